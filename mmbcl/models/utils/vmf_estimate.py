"""Per-class running estimates of von Mises-Fisher parameters (ProCo)."""
from typing import Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

#: Largest concentration the estimator gives (the official clamp).
MAX_KAPPA = 1e5
#: Norm of the mean direction a fresh estimate starts with (concentration
#: ``D * 0.9 / (1 - 0.81)``, the official initial ``D * 90 / 19``).
INITIAL_MEAN_LENGTH = 0.9


class ClassVMFEstimate(nn.Module):
    """Running per-class mean of the contrastive features, in float64.

    ``mean`` is the average of every feature of the class seen since the
    last :meth:`reset` (a fresh estimate holds a random direction of length
    0.9); ``count`` how many. Both are buffers, so they are saved in
    checkpoints and follow the model's device.

    Args:
        num_classes (int): Number of classes ``C``.
        feat_dim (int): Feature size ``D``.
    """

    def __init__(self, num_classes: int, feat_dim: int):
        super().__init__()
        self.register_buffer(
            'mean', torch.zeros(num_classes, feat_dim, dtype=torch.float64))
        self.register_buffer(
            'count', torch.zeros(num_classes, dtype=torch.float64))
        self.reset()

    def reset(self, generator: Optional[torch.Generator] = None) -> None:
        """Forget everything: random mean directions, zero counts."""
        directions = torch.randn(self.mean.shape, generator=generator,
                                 dtype=torch.float64)
        self.mean.copy_(INITIAL_MEAN_LENGTH * F.normalize(directions, dim=1))
        self.count.zero_()

    @torch.no_grad()
    def add(self, labels: Tensor, added: Tensor, sums: Tensor) -> None:
        """Add to the classes of ``labels`` their ``added`` features, which
        sum to ``sums`` (both per sample, as :func:`class_sums` gives).

        Only the batch's rows are touched: ``O(N D)``. Samples of a class
        write identical values, so duplicate indices are harmless.
        """
        mean, count = self.mean[labels], self.count[labels]
        total = count + added
        # mean <- (count * mean + sums) / total
        mean.add_(torch.addcmul(sums, added[:, None], mean,
                                value=-1).div_(total[:, None]))
        self.mean.index_put_((labels, ), mean)
        self.count.index_put_((labels, ), total)

    def concentration(self) -> Tuple[Tensor, Tensor]:
        """``(C,)`` kappa from the mean resultant length ``R``:
        ``D R / (1 - R^2)``, set to 1e5 where it exceeds 1e5 or is not a
        finite non-negative number (the official clamp); and ``R``."""
        length = torch.linalg.vector_norm(self.mean, dim=1)
        kappa = self.mean.size(1) * length / (1 - length * length)
        valid = (kappa >= 0) & (kappa <= MAX_KAPPA)
        return torch.where(valid, kappa,
                           torch.full_like(kappa, MAX_KAPPA)), length


def class_sums(features: Tensor, labels: Tensor,
               like: Tensor) -> Tuple[Tensor, Tensor]:
    """For each sample, how many features the batch holds of its class and
    their sum: ``(N,)`` and ``(N, D)`` in ``like``'s dtype. One
    ``index_add_`` into a ``(C, D)`` buffer: ``O((N + C) D)`` memory (the
    official update expands an ``N x C x D`` tensor)."""
    features = features.to(like.dtype)
    added = like.new_zeros(like.size(0)).index_add_(
        0, labels, torch.ones_like(features[:, 0]))
    sums = torch.zeros_like(like).index_add_(0, labels, features)
    return added[labels], sums[labels]
