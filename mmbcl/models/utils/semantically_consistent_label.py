"""ConCutMix's semantically consistent label (Pan et al., IEEE TIP 2024)."""
from typing import Optional, Sequence, Union

import torch
import torch.nn as nn
from mmengine.logging import MessageHub
from torch import Tensor

from mmpretrain.registry import MODELS


def semantically_consistent_label(feature: Tensor, prototypes: Tensor,
                                  area_label: Tensor, class_counts: Tensor,
                                  scale: float, topk: int) -> Tensor:
    """Rectify CutMix's area labels with the contrastive space.

    For each mixed image with area label ``y`` (``lam`` on its own class,
    ``1 - lam`` on the pasted one):

    * ``s_c = 1 / ||f - p_c||``: inverse Euclidean distance of its
      un-normalised contrastive feature ``f`` to each class's
      un-normalised prototype ``p_c``;
    * the classes whose ``s_c`` is among the ``topk`` largest keep it (a
      tie with the k-th largest is kept), the others get 0, and the result
      is L1-normalised: the semantic label ``y_s``;
    * ``w = scale * log(sum_c N_c y_c) / sum_c log N_c``, ``N_c`` the
      training images of class ``c``: larger for images of frequent
      classes;
    * the label is ``w * y_s + (1 - w) * y``.

    Everything is computed without gradient, in the inputs' precision
    (at least float32). A feature that equals a prototype has distance
    clamped to the dtype's smallest normal number (its class then takes
    the semantic label).

    Args:
        feature (Tensor): ``(B, D)`` un-normalised contrastive features.
        prototypes (Tensor): ``(C, D)`` un-normalised class prototypes.
        area_label (Tensor): ``(B, C)`` area labels.
        class_counts (Tensor): ``(C,)`` training images per class (a class
            with none counts as one).
        scale (float): ConCutMix's scaling factor ``a / b``.
        topk (int): Classes kept in the semantic label.

    Returns:
        Tensor: ``(B, C)`` labels, each summing to 1.

    Example:
        >>> area = torch.tensor([[0.75, 0.25, 0.0]])
        >>> label = semantically_consistent_label(
        ...     torch.tensor([[0.0, 0.9]]), torch.eye(3, 2), area,
        ...     torch.tensor([100, 10, 1]), scale=0.5, topk=1)
        >>> [round(v, 4) for v in label[0].tolist()]
        [0.5138, 0.4862, 0.0]
    """
    dtype = torch.promote_types(feature.dtype, torch.float32)
    with torch.no_grad():
        feature = feature.detach().to(dtype)
        prototypes = prototypes.detach().to(dtype)
        area_label = area_label.detach().to(dtype)
        counts = class_counts.to(device=feature.device,
                                 dtype=dtype).clamp(min=1)
        distance = torch.cdist(
            feature, prototypes, compute_mode='donot_use_mm_for_euclid_dist')
        inverse = distance.clamp(min=torch.finfo(dtype).tiny).reciprocal()
        kth = inverse.topk(topk, dim=1).values[:, -1:]
        inverse = torch.where(inverse >= kth, inverse,
                              torch.zeros((), dtype=dtype,
                                          device=inverse.device))
        semantic = inverse / inverse.sum(dim=1, keepdim=True)
        weight = scale * torch.log(area_label @ counts) / counts.log().sum()
        weight = weight.unsqueeze(1)
        return weight * semantic + (1 - weight) * area_label


@MODELS.register_module()
class SemanticallyConsistentLabel(nn.Module):
    """ConCutMix's label for the pasted images, after its warm-up.

    ``BCLHead(mix_label=...)`` calls it for a pasted batch with the mixed
    images' un-normalised contrastive features, the un-normalised class
    prototypes and the area labels. In the first ``warmup_epochs`` epochs
    (counted by the runner: the message hub's ``epoch``, so a resumed run
    switches where the uninterrupted one did) it returns the area label;
    from then on :func:`semantically_consistent_label`. The class counts
    come from ``ClassCountsHook``.

    Args:
        scaling_factor (float | tuple[int, int]): ``a / b``, or ``(a, b)``
            as ConCutMix's ``--scaling_factor a b``. Defaults to
            ``(2, 256)``, its default.
        topk (int): Classes kept in the semantic label. Defaults to 1.
        warmup_epochs (int): Epochs trained with the area label. ConCutMix
            switches when ``epoch > l_d_warm`` (0-based), so its
            ``--l_d_warm L`` is ``warmup_epochs=L + 1``. Defaults to 1
            (its default ``l_d_warm`` 0).

    Example:
        >>> label = MODELS.build(dict(type='SemanticallyConsistentLabel',
        ...     scaling_factor=(20, 255), topk=2, warmup_epochs=5))
        >>> label.rectifies(epoch=4), label.rectifies(epoch=5)
        (False, True)
    """

    def __init__(self,
                 scaling_factor: Union[float, Sequence[int]] = (2, 256),
                 topk: int = 1,
                 warmup_epochs: int = 1):
        super().__init__()
        self.scale = self._scale(scaling_factor)
        if not isinstance(topk, int) or topk < 1:
            raise ValueError('SemanticallyConsistentLabel: topk must be a '
                             f'positive int, got {topk!r}')
        if not isinstance(warmup_epochs, int) or warmup_epochs < 0:
            raise ValueError('SemanticallyConsistentLabel: warmup_epochs '
                             f'must be an int >= 0, got {warmup_epochs!r}')
        self.topk = topk
        self.warmup_epochs = warmup_epochs
        # From the dataset each run (ClassCountsHook), so not checkpointed.
        self.register_buffer(
            'class_counts', torch.empty(0, dtype=torch.float64),
            persistent=False)

    @staticmethod
    def _scale(scaling_factor) -> float:
        if isinstance(scaling_factor, (list, tuple)):
            if len(scaling_factor) != 2 or scaling_factor[1] == 0:
                raise ValueError(
                    'SemanticallyConsistentLabel: scaling_factor must be a '
                    f'number or (a, b) with b != 0, got {scaling_factor!r}')
            return scaling_factor[0] / scaling_factor[1]
        if not isinstance(scaling_factor, (int, float)):
            raise ValueError(
                'SemanticallyConsistentLabel: scaling_factor must be a '
                f'number or (a, b), got {scaling_factor!r}')
        return float(scaling_factor)

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Training images per class (called by ``ClassCountsHook``)."""
        counts = torch.as_tensor(list(class_counts), dtype=torch.float64)
        if self.topk > len(counts):
            raise ValueError(
                f'SemanticallyConsistentLabel: topk={self.topk} but the '
                f'training set has {len(counts)} classes')
        self.class_counts = counts.to(self.class_counts.device)

    @staticmethod
    def current_epoch() -> int:
        """The epoch the runner is in (its message hub's ``epoch``)."""
        epoch = MessageHub.get_current_instance().get_info('epoch')
        if epoch is None:
            raise RuntimeError(
                'SemanticallyConsistentLabel counts its warm-up in epochs: '
                "the message hub has no 'epoch' (train with an epoch-based "
                'loop; in a script, MessageHub.get_current_instance()'
                ".update_info('epoch', e))")
        return int(epoch)

    def rectifies(self, epoch: Optional[int] = None) -> bool:
        """Whether ``epoch`` (default: the runner's) is past the warm-up."""
        epoch = self.current_epoch() if epoch is None else epoch
        return epoch >= self.warmup_epochs

    def forward(self, feature: Tensor, prototypes: Tensor,
                area_label: Tensor) -> Tensor:
        """The label of each pasted image (see the class docstring)."""
        if not self.rectifies():
            return area_label
        if self.class_counts.numel() == 0:
            raise RuntimeError(
                'SemanticallyConsistentLabel has no class counts: add '
                "dict(type='ClassCountsHook') to custom_hooks (mmbcl's base "
                'configs do) or call set_class_counts')
        if area_label.size(1) != self.class_counts.numel():
            raise ValueError(
                f'SemanticallyConsistentLabel: labels of {area_label.size(1)}'
                f' classes, class counts of {self.class_counts.numel()}')
        return semantically_consistent_label(feature, prototypes, area_label,
                                             self.class_counts, self.scale,
                                             self.topk)

    def extra_repr(self) -> str:
        return (f'scale={self.scale:.6g}, topk={self.topk}, '
                f'warmup_epochs={self.warmup_epochs}')
