"""ClassAwareSampler: class-balanced sampling, classes cycled."""
import numpy as np
import torch

from mmpretrain.registry import DATA_SAMPLERS

from ..class_counts import get_labels
from .base import ClassAwareSamplerBase


@DATA_SAMPLERS.register_module()
class ClassAwareSampler(ClassAwareSamplerBase):
    """Class-aware sampling of the decoupling papers (Kang et al., 2020).

    As their sampler (``facebookresearch/classifier-balancing``,
    ``data/ClassAwareSampler.py``): classes are visited in a shuffled order
    that is reshuffled after every pass over the classes, so in every epoch
    each class is visited equally often (within one visit); each visit
    takes the next ``samples_per_class`` images of the class from its own
    queue, a shuffled pass over the class's images reshuffled when used up,
    so every image of a class is seen before any repeats. Classes without
    images are never visited.

    What differs from theirs, exactly:

    * **The queues restart every epoch.** Each epoch's order is drawn from
      ``seed + epoch`` alone (so that every rank draws the same order and a
      resumed run repeats the uninterrupted one); the class cycle and each
      class's image queue start afresh each epoch. Theirs carry over: a
      class whose queue was half used at the end of an epoch continues it
      in the next. Within an epoch the two agree; across epochs, an image
      of a class may repeat here before the rest of its class is seen
      (only when the class has more images than the epoch's visits take).
    * **The epoch length** is ``len(dataset)`` by default, the length of an
      epoch under every other sampler. Theirs is the largest class's size
      times the number of classes: ``num_samples='largest_class'``.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        samples_per_class (int): Images taken per class visit (their
            ``num_samples_cls``). Defaults to 1.
        seed (int, optional): Shared seed. Defaults to None (synced).
        num_samples (int | str, optional): Samples per epoch over all
            ranks, or ``'largest_class'`` for Kang et al.'s epoch (the
            largest class's size times the number of classes that have
            images). Defaults to ``len(dataset)``.

    In a config::

        train_dataloader = dict(sampler=dict(type='ClassAwareSampler'))
    """

    def __init__(self, dataset, samples_per_class: int = 1, seed=None,
                 num_samples=None):
        if not isinstance(samples_per_class, int) or samples_per_class < 1:
            raise ValueError('ClassAwareSampler: samples_per_class must be a '
                             f'positive int, got {samples_per_class!r}')
        if num_samples == 'largest_class':
            counts = np.bincount(get_labels(dataset))
            num_samples = int(counts.max()) * int((counts > 0).sum())
        super().__init__(dataset, seed, num_samples)
        self.samples_per_class = samples_per_class

    def class_frequencies(self, epoch=None) -> np.ndarray:
        """Uniform over the classes that have images (each epoch's draw
        differs from it by at most one visit per class)."""
        present = (self.class_counts > 0).double()
        return (present / present.sum()).numpy()

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        present = torch.nonzero(self.class_counts).squeeze(1)
        visits = -(-self.total_size // self.samples_per_class)
        passes = -(-visits // len(present))
        cycle = torch.cat([
            present[torch.randperm(len(present), generator=generator)]
            for _ in range(passes)
        ])[:visits]
        picks = cycle.repeat_interleave(
            self.samples_per_class)[:self.total_size]
        counts = self.class_counts
        order = torch.empty(self.total_size, dtype=torch.long)
        slots = torch.argsort(picks, stable=True)
        taken = torch.bincount(picks, minlength=len(counts))
        filled = 0
        for c in present.tolist():
            need, have = int(taken[c]), int(counts[c])
            if need == 0:
                continue
            # enough shuffled passes over the class to serve ``need`` picks
            queue_passes = [
                torch.randperm(have, generator=generator)
                for _ in range(-(-need // have))
            ]
            queue = self.by_class[self.class_starts[c] +
                                  torch.cat(queue_passes)[:need]]
            order[slots[filled:filled + need]] = queue
            filled += need
        return order
