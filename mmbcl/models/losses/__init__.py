from .bcl_loss import BCLLoss, bcl_loss
from .logit_adjust_loss import LogitAdjustLoss
from .proco_loss import ProCoLoss, proco_logits

__all__ = [
    'BCLLoss', 'bcl_loss', 'LogitAdjustLoss', 'ProCoLoss', 'proco_logits'
]
