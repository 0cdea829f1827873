from .class_counts_hook import ClassCountsHook
from .epoch_seed_hook import EpochSeedHook, epoch_seed, seed_worker_from_torch

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'epoch_seed', 'seed_worker_from_torch'
]
