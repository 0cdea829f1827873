"""ClassAwareSampler: class-balanced sampling with per-class queues."""
import numpy as np
import torch

from mmpretrain.registry import DATA_SAMPLERS

from .base import ClassAwareSamplerBase


@DATA_SAMPLERS.register_module()
class ClassAwareSampler(ClassAwareSamplerBase):
    """Pick a class uniformly, then the next image of that class.

    Each class cycles through its images in a shuffled queue (reshuffled
    every pass), so every image of a class is seen before any repeats: the
    class-balanced sampling of the decoupling papers (Kang et al., 2020).
    Classes without images are never picked.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        seed (int, optional): Shared seed. Defaults to None (synced).
        num_samples (int, optional): Samples per epoch over all ranks.

    In a config::

        train_dataloader = dict(sampler=dict(type='ClassAwareSampler'))
    """

    def class_frequencies(self, epoch=None) -> np.ndarray:
        """Uniform over the classes that have images."""
        present = (self.class_counts > 0).double()
        return (present / present.sum()).numpy()

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        present = torch.nonzero(self.class_counts).squeeze(1)
        picks = present[torch.randint(
            len(present), (self.total_size, ), generator=generator)]
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
            passes = [
                torch.randperm(have, generator=generator)
                for _ in range(-(-need // have))
            ]
            queue = self.by_class[self.class_starts[c] +
                                  torch.cat(passes)[:need]]
            order[slots[filled:filled + need]] = queue
            filled += need
        return order
