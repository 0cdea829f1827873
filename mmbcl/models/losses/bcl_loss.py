"""Balanced contrastive loss (Zhu et al., CVPR 2022, eq. 6)."""
import contextlib

import torch
import torch.nn as nn
from torch import Tensor

from mmpretrain.registry import MODELS

from ..utils.gather import gather_batch


def check_labels(labels: Tensor, num_classes: int, where: str) -> None:
    """Fail on a label outside ``[0, num_classes)`` without a host sync.

    ``torch._assert_async`` raises at once on CPU and as a device-side
    assertion on an accelerator, so the check costs no synchronisation.
    """
    torch._assert_async(((labels >= 0) & (labels < num_classes)).all(),
                        f'{where}: a label is outside [0, {num_classes}) '
                        f'(num_classes={num_classes})')


def bcl_loss(features: Tensor,
             labels: Tensor,
             prototypes: Tensor,
             temperature: float = 0.1) -> Tensor:
    """Balanced contrastive loss with class-averaging and class-complement.

    Computed by :class:`BCLFunction` (a fused forward with the analytic
    gradient); the tests check both against a float64 loop over anchors.

    The ``2B`` contrastive views are the anchors. The keys are the views
    plus the ``C`` class prototypes, each prototype a sample of its class
    (class-complement). For anchor ``i`` of class ``y``::

        loss_i = -1/|P(i)| * sum_{p in P(i)} log(
            exp(z_i.z_p / T) /
            sum_j 1/|K_j \\ {i}| sum_{k in K_j \\ {i}} exp(z_i.z_k / T))

    where ``K_j`` are the keys of class ``j`` and ``P(i) = K_y \\ {i}``:
    each class's exp-similarities are averaged over its members, not summed
    (class-averaging), so head classes do not dominate the denominator.

    Args:
        features (Tensor): ``(B, 2, D)`` L2-normalised contrastive views.
        labels (Tensor): ``(B,)`` class indices in ``[0, C)``.
        prototypes (Tensor): ``(C, D)`` L2-normalised class prototypes.
        temperature (float): Softmax temperature ``T``. Defaults to 0.1.

    Returns:
        Tensor: The loss averaged over the ``2B`` anchors (a scalar).

    Example:
        >>> import torch.nn.functional as F
        >>> feats = F.normalize(torch.randn(4, 2, 8), dim=-1)
        >>> protos = F.normalize(torch.randn(3, 8), dim=-1)
        >>> bcl_loss(feats, torch.tensor([0, 1, 1, 2]), protos).shape
        torch.Size([])
    """
    if features.dim() != 3 or features.size(1) != 2:
        raise ValueError('BCLLoss expects features of shape (B, 2, D) with '
                         'exactly 2 contrastive views, got '
                         f'{tuple(features.shape)}')
    if labels.shape != features.shape[:1]:
        raise ValueError(f'BCLLoss: labels of shape {tuple(labels.shape)} '
                         f'do not match {features.size(0)} samples')
    if prototypes.dim() != 2 or prototypes.size(1) != features.size(2):
        raise ValueError('BCLLoss expects prototypes of shape (C, '
                         f'{features.size(2)}), got {tuple(prototypes.shape)}')
    num_classes = prototypes.size(0)
    check_labels(labels, num_classes, 'BCLLoss')
    # Non-finite features (an fp16 overflow under AMP) give a non-finite
    # loss, passed on like any PyTorch loss: AMP's loss scaler then skips
    # the step, and ``NonFiniteLossHook`` stops a run that has diverged.
    with no_autocast(features.device.type):
        # Similarities, exps and logs in fp32 (or better) even under AMP.
        dtype = torch.promote_types(features.dtype, torch.float32)
        return _bcl_loss(features.to(dtype), labels, prototypes.to(dtype),
                         temperature)


def no_autocast(device_type: str):
    """A context that disables autocast on ``device_type`` (a no-op where
    autocast does not exist, e.g. the ``meta`` device)."""
    if torch.amp.is_autocast_available(device_type):
        return torch.autocast(device_type, enabled=False)
    return contextlib.nullcontext()


def _bcl_loss(features: Tensor, labels: Tensor, prototypes: Tensor,
              temperature: float) -> Tensor:
    # (2B, D), view-major: all first views, then all second views
    anchors = features.transpose(0, 1).reshape(-1, features.size(2))
    return BCLFunction.apply(anchors, prototypes, labels.repeat(2),
                             temperature)


class BCLFunction(torch.autograd.Function):
    """Eq. 6 with its analytic gradient, at the cost of three matmuls.

    With ``N = 2B`` anchors, ``M = N + C`` keys, ``S = anchors @ keys.T / T``
    and ``w_ik = 1 / |K_{y_k} \\ {i}|`` the class-averaging weights, the loss
    of anchor ``i`` is ``log Z_i - mean_{p in P(i)} S_ip`` with
    ``Z_i = sum_k w_ik exp(S_ik)``, and::

        dL/dS_ik = (w_ik exp(S_ik) / Z_i - [k in P(i)] / |P(i)|) / N

    The only ``(M, N)`` buffer holds ``w_ik exp(S_ik - max_k S_ik)``, keys
    along rows so that the anchor and prototype blocks are contiguous and
    no keys matrix is ever concatenated; it is kept for the backward pass.
    The positives need no mask: their similarities sum to
    ``z_i . (sum of class keys - z_i)`` and their gradient to class sums.
    """

    @staticmethod
    def forward(ctx, anchors: Tensor, prototypes: Tensor, labels: Tensor,
                temperature: float) -> Tensor:
        num_anchors, num_classes = anchors.size(0), prototypes.size(0)
        # n_c = |K_c|: the class's views plus its prototype (index_add_, not
        # bincount, which would synchronise with the host on a GPU).
        size = torch.ones(num_classes, dtype=anchors.dtype,
                          device=anchors.device).index_add_(
                              0, labels, torch.ones_like(anchors[:, 0]))
        # |P(i)| = n_y - 1 = twice the batch count of the anchor's class
        num_positives = size[labels] - 1
        inv_size, inv_positives = size.reciprocal(), num_positives.reciprocal()

        # weighted[k, i] = w_ik exp(S_ik - max_k S_ik), keys k along rows.
        scaled = anchors * (1.0 / temperature)
        weighted = anchors.new_empty(num_anchors + num_classes, num_anchors)
        by_anchor = weighted[:num_anchors]
        by_prototype = weighted[num_anchors:]
        torch.mm(anchors, scaled.t(), out=by_anchor)
        torch.mm(prototypes, scaled.t(), out=by_prototype)
        by_anchor.diagonal().fill_(float('-inf'))  # an anchor is not a key
        col_max = weighted.amax(dim=0)
        weighted.sub_(col_max).exp_()
        # Class-averaging: 1 / n_y_k, or 1 / (n_y - 1) on the own class.
        same = labels[:, None] == labels[None, :]
        by_anchor.mul_(torch.where(same, inv_positives[:, None],
                                   inv_size[labels][:, None]))
        by_prototype.mul_(inv_size[:, None])
        own = torch.arange(num_anchors, device=anchors.device)
        by_prototype[labels, own] *= size[labels] * inv_positives
        denominator = weighted.sum(dim=0)
        log_denominator = col_max + denominator.log()

        # Positives: sum_p S_ip = z_i . (class sum of keys - z_i) / T.
        anchor_class_sum = anchors.new_zeros(
            num_classes, anchors.size(1)).index_add_(0, labels,
                                                     anchors)[labels]
        positive_sum = anchor_class_sum + prototypes[labels] - anchors
        positive_mean = (scaled * positive_sum).sum(1) * inv_positives
        ctx.save_for_backward(anchors, prototypes, labels, weighted,
                              denominator, anchor_class_sum, positive_sum,
                              inv_positives)
        ctx.temperature = temperature
        return (log_denominator - positive_mean).mean()

    @staticmethod
    def backward(ctx, grad_output: Tensor):
        (anchors, prototypes, labels, weighted, denominator, anchor_class_sum,
         positive_sum, inv_positives) = ctx.saved_tensors
        num_anchors = anchors.size(0)
        by_anchor = weighted[:num_anchors]
        by_prototype = weighted[num_anchors:]
        inv_denominator = denominator.reciprocal()[:, None]
        inv_positives = inv_positives[:, None]
        # Softmax part, dS^T = weighted / Z (1 / N and 1 / T come last).
        grad_anchors = torch.mm(by_anchor.t(), anchors).addmm_(
            by_prototype.t(), prototypes).mul_(inv_denominator)
        normalised = anchors * inv_denominator
        grad_keys = torch.mm(by_anchor, normalised)
        grad_prototypes = torch.mm(by_prototype, normalised)
        # Positive part: dS_ip = -1 / |P(i)| for p in P(i); as keys, an
        # anchor (prototype) of class c gets the other (all) anchors of c.
        grad_anchors.sub_(positive_sum * inv_positives)
        grad_keys.sub_((anchor_class_sum - anchors) * inv_positives)
        grad_prototypes.index_add_(0, labels, anchors * inv_positives,
                                   alpha=-1)
        scale = grad_output / (num_anchors * ctx.temperature)
        grad_anchors.add_(grad_keys).mul_(scale)
        return grad_anchors, grad_prototypes.mul_(scale), None, None


@MODELS.register_module()
class BCLLoss(nn.Module):
    """Balanced contrastive loss; see :func:`bcl_loss` for the maths.

    Args:
        temperature (float): Softmax temperature. Defaults to 0.1.
        loss_weight (float): Multiplier of the loss (the paper's beta).
            Defaults to 1.0.
        gather_distributed (bool): Under DDP, gather the contrastive features
            and labels of all ranks (with gradients) and compute the loss on
            the global batch, as the authors' single-process DataParallel
            run did; parameter gradients after DDP's averaging then equal
            the single-process gradients. Defaults to False (each rank's
            loss sees its own batch).

    Example:
        >>> import torch.nn.functional as F
        >>> loss = MODELS.build(dict(type='BCLLoss', temperature=0.07))
        >>> feats = F.normalize(torch.randn(4, 2, 8), dim=-1)
        >>> protos = F.normalize(torch.randn(3, 8), dim=-1)
        >>> loss(feats, torch.tensor([0, 1, 1, 2]), protos).shape
        torch.Size([])
    """

    def __init__(self,
                 temperature: float = 0.1,
                 loss_weight: float = 1.0,
                 gather_distributed: bool = False):
        super().__init__()
        if temperature <= 0:
            raise ValueError(
                f'BCLLoss: temperature must be > 0, got {temperature}')
        self.temperature = temperature
        self.loss_weight = loss_weight
        self.gather_distributed = gather_distributed

    def forward(self, features: Tensor, labels: Tensor,
                prototypes: Tensor) -> Tensor:
        """Compute the weighted loss; shapes as in :func:`bcl_loss`."""
        if self.gather_distributed:
            features, labels = gather_batch(features, labels)
        return self.loss_weight * bcl_loss(features, labels, prototypes,
                                           self.temperature)
