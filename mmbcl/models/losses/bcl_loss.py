"""Balanced contrastive loss (Zhu et al., CVPR 2022, eq. 6)."""
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
    with torch.autocast(features.device.type, enabled=False):
        # Similarities, exps and logs in fp32 (or better) even under AMP.
        dtype = torch.promote_types(features.dtype, torch.float32)
        return _bcl_loss(features.to(dtype), labels, prototypes.to(dtype),
                         temperature)


def _bcl_loss(features: Tensor, labels: Tensor, prototypes: Tensor,
              temperature: float) -> Tensor:
    num_classes = prototypes.size(0)
    anchors = torch.cat(features.unbind(1), dim=0)  # (2B, D), view-major
    keys = torch.cat([anchors, prototypes], dim=0)
    anchor_labels = labels.repeat(2)
    key_labels = torch.cat([
        anchor_labels,
        torch.arange(num_classes, device=labels.device, dtype=labels.dtype)
    ])
    # |K_j|: two views per sample of class j, plus its prototype.
    class_size = torch.bincount(key_labels, minlength=num_classes)

    logits = anchors @ keys.T / temperature  # (2B, 2B + C)
    # Class-averaging weight 1 / |K_j \ {i}|, in log space.
    same_class = anchor_labels[:, None] == key_labels[None, :]
    log_weight = -torch.log(class_size[key_labels].to(logits.dtype) -
                            same_class.to(logits.dtype))
    weighted = logits + log_weight
    weighted.diagonal().fill_(float('-inf'))  # an anchor is not its own key
    log_denominator = torch.logsumexp(weighted, dim=1)

    # Sum over positives of z_i.z_p = z_i . (sum of class keys - z_i).
    class_sum = keys.new_zeros(num_classes, keys.size(1)).index_add_(
        0, key_labels, keys)
    positive_sum = (anchors *
                    (class_sum[anchor_labels] - anchors)).sum(1) / temperature
    num_positives = class_size[anchor_labels] - 1
    return (log_denominator - positive_sum / num_positives).mean()


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
