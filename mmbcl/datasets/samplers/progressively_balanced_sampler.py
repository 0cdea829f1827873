"""ProgressivelyBalancedSampler: instance- to class-balanced over training."""
import numpy as np
import torch

from mmpretrain.registry import DATA_SAMPLERS

from .base import ClassAwareSamplerBase


@DATA_SAMPLERS.register_module()
class ProgressivelyBalancedSampler(ClassAwareSamplerBase):
    """Progressively-balanced sampling (Kang et al., 2020).

    At epoch ``t`` of ``num_epochs`` the class probabilities are
    ``(1 - t / T) * p_instance + (t / T) * p_class``: the data's own
    distribution at the start, class-balanced at the end. The runner's
    ``DistSamplerSeedHook`` calls ``set_epoch``.

    Args:
        dataset: A dataset with ``get_gt_labels()``.
        num_epochs (int): ``T``, usually ``train_cfg.max_epochs``.
        seed (int, optional): Shared seed. Defaults to None (synced).
        num_samples (int, optional): Samples per epoch over all ranks.
    """

    def __init__(self, dataset, num_epochs: int, seed=None,
                 num_samples=None):
        if not isinstance(num_epochs, int) or num_epochs <= 0:
            raise ValueError('ProgressivelyBalancedSampler: num_epochs must '
                             f'be a positive int, got {num_epochs!r}')
        super().__init__(dataset, seed, num_samples)
        self.num_epochs = num_epochs

    def class_probabilities(self, epoch: int) -> torch.Tensor:
        counts = self.class_counts.double()
        instance = counts / counts.sum()
        balanced = (counts > 0).double() / (counts > 0).sum()
        t = min(epoch / self.num_epochs, 1.0)
        return (1 - t) * instance + t * balanced

    def class_frequencies(self, epoch=None) -> np.ndarray:
        """The mixture of ``epoch`` (default: the current one): it moves
        every epoch, and ``ClassCountsHook`` follows it each epoch."""
        return self.class_probabilities(
            self.epoch if epoch is None else epoch).numpy()

    def _global_order(self, generator: torch.Generator) -> torch.Tensor:
        return self.sample_by_class_weight(
            self.class_probabilities(self.epoch), generator)
