from .bcl_loss import BCLLoss, bcl_loss
from .logit_adjust_loss import LogitAdjustLoss

__all__ = ['BCLLoss', 'bcl_loss', 'LogitAdjustLoss']
