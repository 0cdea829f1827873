"""ClassComplementSampler: batches that cover as many classes as possible."""
import math

import torch

from mmpretrain.registry import DATA_SAMPLERS

from .base import ClassAwareSamplerBase


@DATA_SAMPLERS.register_module()
class ClassComplementSampler(ClassAwareSamplerBase):
    """Instance-sampled batches with a share reserved for absent classes.

    An optional batch sampler that puts as many classes as it can into
    every batch. (BCL's own class-complement is not a sampler: it is the
    class prototypes ``BCLLoss`` adds to every batch.) Of each batch of
    ``batch_size``, ``1 - complement_ratio`` is drawn by instance sampling;
    the rest is filled with one image each of classes not yet in the batch,
    rarest first (ties broken at random), so every batch covers as many
    distinct classes as it can. If every class is already present the rest
    is instance-sampled too. Under DDP whole batches go to ranks in turn,
    so each rank's batches keep the property; set ``batch_size`` to the
    dataloader's (per-GPU) batch size.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        batch_size (int): The dataloader's batch size.
        complement_ratio (float): Share of a batch reserved for absent
            classes, in ``[0, 1]``. Defaults to 0.5.
        seed (int, optional): Shared seed. Defaults to None (synced).
        num_samples (int, optional): Samples per epoch over all ranks.
    """

    def __init__(self, dataset, batch_size: int,
                 complement_ratio: float = 0.5, seed=None, num_samples=None):
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError('ClassComplementSampler: batch_size must be a '
                             f'positive int, got {batch_size!r}')
        if not 0 <= complement_ratio <= 1:
            raise ValueError('ClassComplementSampler: complement_ratio must '
                             f'be in [0, 1], got {complement_ratio!r}')
        super().__init__(dataset, seed, num_samples)
        self.batch_size = batch_size
        self.num_complement = round(batch_size * complement_ratio)
        # whole batches per rank
        per_rank = math.ceil(self.num_samples / batch_size)
        self.num_samples = per_rank * batch_size
        self.total_size = self.num_samples * self.world_size

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        counts = self.class_counts
        # rarest first, ties at random, empty classes never
        shuffled = torch.randperm(len(counts), generator=generator)
        tail_first = shuffled[torch.argsort(counts[shuffled], stable=True)]
        tail_first = tail_first[counts[tail_first] > 0]
        num_instance = self.batch_size - self.num_complement
        batches = []
        for _ in range(self.total_size // self.batch_size):
            batch = torch.randint(
                len(self.labels), (num_instance, ), generator=generator)
            present = torch.zeros(len(counts), dtype=torch.bool)
            present[self.labels[batch]] = True
            absent = tail_first[~present[tail_first]][:self.num_complement]
            offsets = (torch.rand(len(absent), generator=generator) *
                       counts[absent]).long()
            fill = torch.randint(
                len(self.labels), (self.num_complement - len(absent), ),
                generator=generator)
            batches.append(
                torch.cat([
                    batch, self.by_class[self.class_starts[absent] + offsets],
                    fill
                ]))
        return torch.cat(batches)

    def _shard(self, order: torch.Tensor) -> torch.Tensor:
        batches = order.view(-1, self.batch_size)
        return batches[self.rank::self.world_size].reshape(-1)
