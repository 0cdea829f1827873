"""All-gather a batch across DDP ranks, keeping gradients."""
import warnings
from typing import Tuple

import torch
import torch.distributed as dist
from torch import Tensor


class _ContiguousGrad(torch.autograd.Function):
    """Identity whose backward hands on a contiguous gradient.

    The all-gather's backward sends gradient slices between ranks, and gloo
    misreads non-contiguous ones (a loss that transposes the gathered batch
    produces such gradients).
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        return grad.contiguous()


def gather_batch(features: Tensor, labels: Tensor) -> Tuple[Tensor, Tensor]:
    """Concatenate every rank's ``features`` and ``labels`` (rank order).

    ``features`` go through ``torch.distributed.nn.functional.all_gather``,
    whose backward sums each rank's gradient slices back to their owner, so
    a loss computed identically on every rank from the gathered batch gets,
    after DDP averages parameter gradients, exactly the gradients of one
    process holding the whole batch. Labels need no gradient. All ranks
    must pass the same batch size. Without an initialised process group, or
    with one process, the inputs are returned unchanged.

    Args:
        features (Tensor): ``(B, ...)`` this rank's features.
        labels (Tensor): ``(B,)`` this rank's labels.

    Returns:
        tuple[Tensor, Tensor]: ``(W * B, ...)`` features and ``(W * B,)``
        labels.
    """
    if not dist.is_available() or not dist.is_initialized():
        return features, labels
    world_size = dist.get_world_size()
    if world_size == 1:
        return features, labels
    from torch.distributed.nn.functional import all_gather
    gathered_labels = [torch.empty_like(labels) for _ in range(world_size)]
    dist.all_gather(gathered_labels, labels.contiguous())
    with warnings.catch_warnings():
        # Recent torch marks it deprecated in favour of a private API; it
        # remains the public autograd-aware all-gather.
        warnings.simplefilter('ignore', FutureWarning)
        gathered = all_gather(features.contiguous())
    gathered = [_ContiguousGrad.apply(part) for part in gathered]
    return torch.cat(gathered, dim=0), torch.cat(gathered_labels, dim=0)
