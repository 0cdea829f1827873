from .data_preprocessor import MultiViewDataPreprocessor, split_views

__all__ = ['MultiViewDataPreprocessor', 'split_views']
