"""Logit-adjusted cross-entropy (Menon et al., ICLR 2021)."""
from typing import Optional, Sequence

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmpretrain.models.losses.utils import weight_reduce_loss
from mmpretrain.registry import MODELS


@MODELS.register_module()
class LogitAdjustLoss(nn.Module):
    """Cross-entropy on ``logits + tau * log(prior)``.

    The prior is the frequency of each class among the labels the loader
    draws (a class-aware sampler's frequencies, or what a dataset wrapper
    such as ``ClassBalancedDataset`` yields; the dataset's class counts
    without either). ``ClassCountsHook`` sets it before training (through
    :meth:`set_class_prior`), or it is given explicitly as
    ``class_counts``.
    Being a plain ``loss_module(cls_score, label, ...)``, it also works as
    the ``loss`` of any MMPretrain classification head.

    Args:
        tau (float): Strength of the adjustment. Defaults to 1.0.
        class_counts (Sequence[int], optional): Training images per class.
            Defaults to None (set later by ``ClassCountsHook``).
        reduction (str): ``'none'``, ``'mean'`` or ``'sum'``.
            Defaults to ``'mean'``.
        loss_weight (float): Multiplier of the loss (the paper's alpha).
            Defaults to 1.0.

    Example:
        >>> loss = MODELS.build(
        ...     dict(type='LogitAdjustLoss', class_counts=[100, 10, 1]))
        >>> loss(torch.randn(4, 3), torch.tensor([0, 1, 2, 0])).shape
        torch.Size([])
    """

    def __init__(self,
                 tau: float = 1.0,
                 class_counts: Optional[Sequence[int]] = None,
                 reduction: str = 'mean',
                 loss_weight: float = 1.0):
        super().__init__()
        self.tau = tau
        self.reduction = reduction
        self.loss_weight = loss_weight
        # Derived from the dataset each run, so not saved in checkpoints.
        # An empty buffer until the counts are known: being a real tensor,
        # it follows ``.to()`` / ``.cuda()``, so the prior set later (by
        # ``ClassCountsHook``, after the runner moved the model) lands on
        # the module's device.
        self.register_buffer('log_prior', torch.empty(0), persistent=False)
        if class_counts is not None:
            self.set_class_counts(class_counts)

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Set the prior from per-class training image counts.

        The prior is placed on the device ``log_prior`` already sits on,
        i.e. wherever the module was moved.
        """
        self.set_class_prior(class_counts)

    def set_class_prior(self, prior: Sequence[float]) -> None:
        """Set the label prior the loss sees (any positive weights, e.g.
        counts or sampling frequencies; normalised here).

        ``ClassCountsHook`` calls it with a class-aware sampler's class
        frequencies: logit adjustment must subtract the prior of the labels
        actually sampled, or the imbalance is corrected twice.
        """
        weights = torch.as_tensor(prior, dtype=torch.float64)
        if (weights.dim() != 1 or weights.numel() == 0
                or not (weights > 0).all()):
            raise ValueError('LogitAdjustLoss: class_counts (or the class '
                             'prior) must be a non-empty list of positive '
                             f'values, got {list(prior)}')
        self.log_prior = (weights / weights.sum()).log().float().to(
            self.log_prior.device)

    def forward(self,
                cls_score: Tensor,
                label: Tensor,
                weight: Optional[Tensor] = None,
                avg_factor: Optional[int] = None,
                reduction_override: Optional[str] = None,
                **kwargs) -> Tensor:
        """Compute the loss.

        Args:
            cls_score (Tensor): ``(N, C)`` logits.
            label (Tensor): ``(N,)`` class indices or ``(N, C)`` soft
                targets.
            weight (Tensor, optional): Per-sample weights.
            avg_factor (int, optional): Denominator of the mean.
            reduction_override (str, optional): Overrides ``reduction``.

        Returns:
            Tensor: The weighted loss.
        """
        if self.log_prior.numel() == 0:
            raise RuntimeError(
                'LogitAdjustLoss has no class counts: add '
                "dict(type='ClassCountsHook') to custom_hooks (mmbcl's base "
                'configs do) or pass class_counts=[...]')
        if cls_score.size(-1) != self.log_prior.numel():
            raise ValueError(
                f'LogitAdjustLoss: logits have {cls_score.size(-1)} classes '
                f'but the training set has {self.log_prior.numel()}; check '
                'the head num_classes')
        reduction = reduction_override or self.reduction
        adjusted = cls_score + self.tau * self.log_prior.to(cls_score.dtype)
        if label.dim() == 1:
            loss = F.cross_entropy(adjusted, label, reduction='none')
        else:
            loss = -(label * F.log_softmax(adjusted, dim=-1)).sum(-1)
        if weight is not None:
            weight = weight.float()
        loss = weight_reduce_loss(
            loss, weight=weight, reduction=reduction, avg_factor=avg_factor)
        return self.loss_weight * loss
