"""All-gather a batch across DDP ranks, keeping gradients."""
from typing import Tuple

import torch
import torch.distributed as dist
from torch import Tensor


class AllGather(torch.autograd.Function):
    """``all_gather`` whose backward gives each rank its slice of the sum.

    Forward concatenates every rank's ``(B, ...)`` tensor in rank order.
    Every rank then computes the same loss from the gathered batch, so the
    gradient of this rank's rows is the sum over ranks of the gathered
    gradient's slice: backward all-reduces the gradient and keeps this
    rank's ``B`` rows (the pattern of solo-learn's and lightly's gathers).
    After DDP averages the parameter gradients over the ``W`` ranks they
    equal the gradients of one process holding the whole batch.
    """

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        x = x.contiguous()
        parts = [torch.empty_like(x) for _ in range(dist.get_world_size())]
        dist.all_gather(parts, x)
        ctx.rows = x.size(0)
        return torch.cat(parts, dim=0)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        # contiguous: gloo misreads strided buffers (a loss that transposes
        # the gathered batch produces such gradients)
        grad = grad.contiguous()
        dist.all_reduce(grad, op=dist.ReduceOp.SUM)
        start = dist.get_rank() * ctx.rows
        return grad[start:start + ctx.rows]


def gather_batch(features: Tensor, labels: Tensor) -> Tuple[Tensor, Tensor]:
    """Concatenate every rank's ``features`` and ``labels`` (rank order).

    ``features`` keep their gradient through :class:`AllGather`, so a loss
    computed identically on every rank from the gathered batch gets, after
    DDP averages parameter gradients, exactly the gradients of one process
    holding the whole batch. Labels need no gradient. All ranks must pass
    the same batch size. Without an initialised process group, or with one
    process, the inputs are returned unchanged.

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
    gathered_labels = [torch.empty_like(labels) for _ in range(world_size)]
    dist.all_gather(gathered_labels, labels.contiguous())
    return AllGather.apply(features), torch.cat(gathered_labels, dim=0)
