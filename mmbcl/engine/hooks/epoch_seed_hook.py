"""EpochSeedHook: randomness that depends on the epoch, not on history."""
import random

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.registry import FUNCTIONS

from mmpretrain.registry import HOOKS

from ...utils.epoch_seed import epoch_seed

__all__ = ['EpochSeedHook', 'epoch_seed', 'seed_worker_from_torch']


@HOOKS.register_module()
class EpochSeedHook(Hook):
    """Reseed torch, numpy and ``random`` at the start of every epoch.

    The random streams of epoch ``e`` then depend only on the run's seed,
    ``e`` and the rank, not on what ran before (validation draws random
    numbers too), so a run resumed from the checkpoint of epoch ``k``
    repeats the uninterrupted run's epochs ``k + 1 ...`` exactly. Dataloader
    workers that are started each epoch (``persistent_workers=False``) get
    their seeds from this stream when ``worker_init_fn`` is
    ``seed_worker_from_torch``.
    """

    priority = 'VERY_HIGH'

    def before_train_epoch(self, runner) -> None:
        seed = epoch_seed(runner.seed, runner.epoch, get_rank())
        torch.manual_seed(seed)
        np.random.seed(seed)
        random.seed(seed)


@FUNCTIONS.register_module()
def seed_worker_from_torch(worker_id: int, **kwargs) -> None:
    """Seed a dataloader worker's numpy and ``random`` from torch's seed.

    PyTorch gives each worker ``base_seed + worker_id``, ``base_seed`` drawn
    from the main process's generator when the epoch's iterator starts;
    MMEngine's default ``worker_init_fn`` replaces it with the same fixed
    seed every epoch. Use with ``EpochSeedHook`` and non-persistent workers
    for augmentations that differ every epoch and repeat exactly on resume::

        train_dataloader = dict(
            persistent_workers=False,
            worker_init_fn=dict(type='seed_worker_from_torch'))
    """
    seed = torch.initial_seed() % 2**32
    np.random.seed(seed)
    random.seed(seed)
