from .class_counts_hook import ClassCountsHook
from .epoch_seed_hook import EpochSeedHook, epoch_seed, seed_worker_from_torch
from .non_finite_loss_hook import NonFiniteLossHook, TrainingDivergedError

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossHook',
    'TrainingDivergedError', 'epoch_seed',
    'seed_worker_from_torch'
]
