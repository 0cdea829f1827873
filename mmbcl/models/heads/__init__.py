from .bcl_head import BCLHead, CosineClassifier, projection_mlp

__all__ = ['BCLHead', 'CosineClassifier', 'projection_mlp']
