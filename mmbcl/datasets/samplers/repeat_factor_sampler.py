"""RepeatFactorSampler: power sampling between instance and class balance."""
import numpy as np
import torch

from mmpretrain.registry import DATA_SAMPLERS

from .base import ClassAwareSamplerBase


@DATA_SAMPLERS.register_module()
class RepeatFactorSampler(ClassAwareSamplerBase):
    """Class probability proportional to ``n_c ** q`` (with replacement).

    ``q=1``: instance-balanced (the data's own distribution); ``q=0.5``:
    square-root sampling (Mahajan et al., 2018); ``q=0``: class-balanced.
    Images within a class are drawn uniformly.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        q (float): The power, in ``[0, 1]``. Defaults to 0.5.
        seed (int, optional): Shared seed. Defaults to None (synced).
        num_samples (int, optional): Samples per epoch over all ranks.
    """

    def __init__(self, dataset, q: float = 0.5, seed=None, num_samples=None):
        if not 0 <= q <= 1:
            raise ValueError(
                f'RepeatFactorSampler: q must be in [0, 1], got {q!r}')
        super().__init__(dataset, seed, num_samples)
        self.q = q

    def class_probabilities(self) -> torch.Tensor:
        weight = self.class_counts.double().pow(self.q)
        weight[self.class_counts == 0] = 0
        return weight / weight.sum()

    def class_frequencies(self, epoch=None) -> np.ndarray:
        """``n_c ** q``, normalised (the same every epoch)."""
        return self.class_probabilities().numpy()

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        return self.sample_by_class_weight(self.class_probabilities(),
                                           generator)
