"""Shared machinery of the class-aware samplers."""
import math
from typing import Iterator, Optional, Tuple

import numpy as np
import torch
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from ..class_counts import get_labels, num_classes_of


def index_by_class(dataset) -> Tuple[np.ndarray, ...]:
    """Every item's label and where each class's items are.

    Returns:
        tuple: ``labels`` ``(N,)``, ``counts`` ``(C,)``, ``by_class``
        ``(N,)`` and ``starts`` ``(C,)``: the items of class ``c`` are
        ``by_class[starts[c]:][:counts[c]]``, in index order.
    """
    labels = get_labels(dataset)
    counts = np.bincount(labels, minlength=num_classes_of(dataset, labels))
    by_class = np.argsort(labels, kind='stable')
    return labels, counts, by_class, np.cumsum(counts) - counts


class ClassAwareSamplerBase(Sampler):
    """Seeded, epoch-aware, DDP-sharded sampling driven by class labels.

    A subclass draws the epoch's global order (``_global_order``) from a
    generator seeded with ``seed + epoch``, so every rank draws the same
    order and takes its own positions of it: shards are disjoint, equally
    long, and the same seed and epoch give the same order.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        seed (int, optional): Shared seed; None syncs a random one across
            ranks, as ``DefaultSampler`` does.
        num_samples (int, optional): Samples per epoch over all ranks.
            Defaults to ``len(dataset)``.
    """

    def __init__(self,
                 dataset,
                 seed: Optional[int] = None,
                 num_samples: Optional[int] = None):
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        # the indices of class c are by_class[class_starts[c]:][:counts[c]]
        self.labels, self.class_counts, self.by_class, self.class_starts = (
            torch.from_numpy(a) for a in index_by_class(dataset))
        total = len(self.labels) if num_samples is None else num_samples
        if not isinstance(total, int) or total <= 0:
            raise ValueError(f'{type(self).__name__}: num_samples must be a '
                             f'positive int, got {num_samples!r}')
        self.num_samples = math.ceil(total / self.world_size)  # per rank
        self.total_size = self.num_samples * self.world_size
        self.epoch = 0

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        raise NotImplementedError

    def _shard(self, order: torch.Tensor) -> torch.Tensor:
        return order[self.rank:self.total_size:self.world_size]

    def __iter__(self) -> Iterator[int]:
        generator = torch.Generator().manual_seed(self.seed + self.epoch)
        return iter(self._shard(self._global_order(generator)).tolist())

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def class_frequencies(self, epoch: Optional[int] = None) -> np.ndarray:
        """The share of each class among the samples of ``epoch`` (default:
        the current one), over all ranks: the label prior the losses see
        under this sampler. ``ClassCountsHook`` gives it to
        ``LogitAdjustLoss`` instead of the dataset's class counts, so the
        imbalance is not corrected twice.

        This default counts the epoch's actual draw (every rank draws the
        same global order), add-one smoothed over the classes that have
        images so that none gets a zero prior; samplers with a closed form
        override it.
        """
        epoch = self.epoch if epoch is None else epoch
        generator = torch.Generator().manual_seed(self.seed + epoch)
        drawn = torch.bincount(self.labels[self._global_order(generator)],
                               minlength=len(self.class_counts)).double()
        drawn += (self.class_counts > 0).double()
        return (drawn / drawn.sum()).numpy()

    def sample_by_class_weight(self, class_weight: torch.Tensor,
                               generator: torch.Generator) -> torch.Tensor:
        """``total_size`` indices, class ``c`` drawn with probability
        proportional to ``class_weight[c]``, uniformly within the class."""
        counts = self.class_counts.double()
        per_image = (class_weight.double() /
                     counts.clamp(min=1))[self.labels]
        return torch.multinomial(
            per_image, self.total_size, replacement=True, generator=generator)


__all__ = ['ClassAwareSamplerBase', 'index_by_class']
