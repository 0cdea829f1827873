from .backbones import CifarResNet
from .classifiers import BCLClassifier
from .heads import BCLHead, CosineClassifier, projection_mlp
from .losses import BCLLoss, LogitAdjustLoss, bcl_loss
from .utils import MultiViewDataPreprocessor, split_views

__all__ = [
    'CifarResNet', 'BCLClassifier', 'BCLHead', 'CosineClassifier',
    'projection_mlp', 'BCLLoss', 'LogitAdjustLoss', 'bcl_loss',
    'MultiViewDataPreprocessor', 'split_views'
]
