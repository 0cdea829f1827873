"""Probabilistic contrastive loss (ProCo; Du et al., TPAMI 2024)."""
from typing import Optional

import torch
import torch.distributed as dist
import torch.nn as nn
from torch import Tensor

from mmpretrain.registry import MODELS

from ...utils.epoch_seed import epoch_seed
from ..utils.gather import gather_batch
from ..utils.precision import no_autocast
from ..utils.vmf import (check_vmf_dim, vmf_log_normaliser,
                         vmf_log_normaliser_and_ratio)
from ..utils.vmf_estimate import ClassVMFEstimate, class_sums
from .bcl_loss import check_labels
from .logit_adjust_loss import LogitAdjustLoss


class VMFLogRatio(torch.autograd.Function):
    """``log I_nu(k~) - nu log k~ - log_norm``: ProCo's class logit in
    terms of the combined concentration ``k~``, with the official gradient
    ``min(A_D(k~), 1)`` (``A_D < 1`` exactly; the clip guards rounding)."""

    @staticmethod
    def forward(ctx, combined: Tensor, log_norm: Tensor, dim: int) -> Tensor:
        value, ratio = vmf_log_normaliser_and_ratio(combined, dim)
        ctx.save_for_backward(ratio.clamp_(max=1.0))
        return value.sub_(log_norm)

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (ratio, ) = ctx.saved_tensors
        return grad_output * ratio, None, None


def proco_logits(features: Tensor,
                 mean: Tensor,
                 kappa: Tensor,
                 temperature: float,
                 length: Optional[Tensor] = None) -> Tensor:
    """ProCo's closed-form contrastive logits.

    With class ``j``'s vMF estimate ``(mu_j, kappa_j)``, the expected
    contrastive logit of a feature ``z`` is
    ``log C_D(kappa_j) - log C_D(k~_j)`` with
    ``k~_j = ||kappa_j mu_j + z / T||``. ``k~`` comes from one matmul,
    ``k~^2 = kappa^2 + 2 kappa (z . mu) / T + ||z||^2 / T^2``: no
    ``N x C x D`` tensor.

    Args:
        features (Tensor): ``(N, D)`` features (L2-normalised).
        mean (Tensor): ``(C, D)`` mean directions (any length; normalised
            here).
        kappa (Tensor): ``(C,)`` concentrations.
        temperature (float): ``T``.
        length (Tensor, optional): ``(C,)`` norms of ``mean`` if known.

    Returns:
        Tensor: ``(N, C)`` float64 logits, differentiable in ``features``.
    """
    dim = features.size(1)
    z = features.to(torch.float64) / temperature
    mean = mean.to(torch.float64)
    kappa = kappa.to(torch.float64)
    # 2 kappa_j mu_j . z: the matmul reads the means as they are, the
    # columns are scaled after (N x C work, not C x D)
    if length is None:
        length = torch.linalg.vector_norm(mean, dim=1)
    scale = 2 * kappa / length.to(torch.float64).clamp(min=1e-12)
    squared = (z @ mean.t()).mul_(scale).add_(kappa * kappa).add_(
        (z * z).sum(1, keepdim=True))
    combined = squared.clamp(min=0).sqrt()
    return VMFLogRatio.apply(combined, vmf_log_normaliser(kappa, dim), dim)


@MODELS.register_module()
class ProCoLoss(nn.Module):
    """Probabilistic contrastive loss with per-class vMF estimates.

    Instead of contrasting the samples of a batch, ProCo keeps a von
    Mises-Fisher estimate (mean direction, concentration) of every class in
    the contrastive feature space and turns the contrastive loss into a
    closed-form class logit (:func:`proco_logits`), trained with the same
    logit-adjusted cross-entropy as the classifier. It needs no prototypes
    and no particular batch composition: ``BCLHead`` builds no prototype
    MLP for it.

    Per iteration, as the official ``main.py`` and ``loss/proco.py``: for
    each contrastive view in turn, the view's features of all ranks update
    the estimates, then the view's logits are computed from them; the loss
    is ``loss_weight`` times the mean of the two views' LA-CE.

    Two estimates are kept: ``estimate`` (used for the logits) and
    ``next_estimate`` (this epoch's features only). At each epoch start
    ``ProCoEstimatorHook`` makes ``next_estimate`` the ``estimate`` and
    resets ``next_estimate``; the logits thus use the features of the
    previous and the current epoch. Both are model buffers: they are in
    every checkpoint, restored on resume, and equal on every rank.

    Args:
        feat_dim (int): Contrastive feature size ``D`` (>= 32); in
            ``BCLHead`` the head's ``feat_dim``.
        num_classes (int): Number of classes ``C``; in ``BCLHead`` the
            head's ``num_classes``.
        temperature (float): ``T``. Defaults to 0.07 (the official
            ImageNet-LT / iNaturalist value; CIFAR uses 0.1).
        loss_weight (float): Multiplier of the loss (the official
            ``alpha``). Defaults to 1.0.
        tau (float): Logit-adjustment strength of the cross-entropy on the
            contrastive logits. Defaults to 1.0.
        gather_distributed (bool): Update the estimates with every rank's
            features (the official behaviour). Defaults to True.

    Example:
        >>> loss = MODELS.build(dict(type='ProCoLoss', feat_dim=32,
        ...                          num_classes=3))
        >>> loss.logit_adjust.set_class_counts([100, 10, 1])
        >>> loss.start_epoch(0)
        >>> feats = torch.randn(4, 2, 32)
        >>> loss(feats / feats.norm(dim=-1, keepdim=True),
        ...      torch.tensor([0, 1, 1, 2])).shape
        torch.Size([])
    """

    #: BCLHead builds no prototype MLP for this loss.
    uses_prototypes = False
    #: The key of the loss in the logs.
    loss_name = 'loss_proco'
    #: ``BCLHead`` passes its ``num_classes`` and ``feat_dim``.
    sized_by_head = True

    def __init__(self,
                 feat_dim: int,
                 num_classes: int,
                 temperature: float = 0.07,
                 loss_weight: float = 1.0,
                 tau: float = 1.0,
                 gather_distributed: bool = True):
        super().__init__()
        check_vmf_dim(feat_dim)
        if not isinstance(num_classes, int) or num_classes <= 0:
            raise ValueError('ProCoLoss: num_classes must be a positive int, '
                             f'got {num_classes!r}')
        if temperature <= 0:
            raise ValueError(
                f'ProCoLoss: temperature must be > 0, got {temperature}')
        self.feat_dim = feat_dim
        self.num_classes = num_classes
        self.temperature = temperature
        self.loss_weight = loss_weight
        self.gather_distributed = gather_distributed
        # Receives the class prior from ClassCountsHook, like the head's.
        self.logit_adjust = LogitAdjustLoss(tau=tau)
        self.estimate = ClassVMFEstimate(num_classes, feat_dim)
        self.next_estimate = ClassVMFEstimate(num_classes, feat_dim)
        self._epoch_started = False

    @torch.no_grad()
    def start_epoch(self, epoch: int, seed: int = 0) -> None:
        """Swap the estimates at an epoch start (``ProCoEstimatorHook``).

        The fresh estimate's random directions depend only on ``seed`` and
        ``epoch``, so every rank and a resumed run draw the same. Under DDP
        rank 0's estimates are broadcast first, so float64 rounding of the
        device's ``index_add_`` cannot make the ranks drift apart.
        """
        if dist.is_available() and dist.is_initialized():
            for buffer in self.buffers():
                if buffer.dtype == torch.float64:
                    dist.broadcast(buffer, src=0)
        self.estimate.mean.copy_(self.next_estimate.mean)
        self.estimate.count.copy_(self.next_estimate.count)
        # rank 0's stream of EpochSeedHook: the same on every rank
        generator = torch.Generator().manual_seed(epoch_seed(seed, epoch, 0))
        self.next_estimate.reset(generator)
        self._epoch_started = True

    def forward(self,
                features: Tensor,
                labels: Tensor,
                prototypes: Optional[Tensor] = None,
                num_classes: Optional[int] = None) -> Tensor:
        """Update the estimates and return the weighted loss.

        Args:
            features (Tensor): ``(B, 2, D)`` L2-normalised contrastive views.
            labels (Tensor): ``(B,)`` class indices.
            prototypes: Ignored (ProCo uses none).
            num_classes: Ignored (the loss knows ``C``).

        Returns:
            Tensor: A float32 (or wider) scalar.
        """
        if not self._epoch_started:
            raise RuntimeError(
                'ProCoLoss: the class estimates were never started; add '
                "dict(type='ProCoEstimatorHook') to custom_hooks (mmbcl's "
                'ProCo configs do)')
        if (features.dim() != 3 or features.size(1) != 2
                or features.size(2) != self.feat_dim):
            raise ValueError(
                f'ProCoLoss expects features (B, 2, {self.feat_dim}) '
                f'(feat_dim={self.feat_dim}), got {tuple(features.shape)}')
        if labels.shape != features.shape[:1]:
            raise ValueError(
                f'ProCoLoss: labels of shape {tuple(labels.shape)} do not '
                f'match {features.size(0)} samples')
        check_labels(labels, self.num_classes, 'ProCoLoss')
        everyone, all_labels = features.detach(), labels
        if self.gather_distributed:
            everyone, all_labels = gather_batch(everyone, labels)
        with no_autocast(features.device.type):
            losses = []
            for view in range(2):
                added, sums = class_sums(everyone[:, view], all_labels,
                                         self.estimate.mean)
                self.estimate.add(all_labels, added, sums)
                self.next_estimate.add(all_labels, added, sums)
                # the backward pass reads the means of this view's
                # logits: copied while the next view will change them
                mean = self.estimate.mean
                kappa, length = self.estimate.concentration()
                logits = proco_logits(features[:, view],
                                      mean.clone() if view == 0 else mean,
                                      kappa, self.temperature, length)
                losses.append(self.logit_adjust(logits, labels))
            loss = (losses[0] + losses[1]) / 2
        dtype = torch.promote_types(features.dtype, torch.float32)
        return (self.loss_weight * loss).to(dtype)

    def extra_repr(self) -> str:
        return (f'feat_dim={self.feat_dim}, num_classes={self.num_classes}, '
                f'temperature={self.temperature}')
