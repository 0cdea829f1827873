from .batch_size_check_hook import BatchSizeCheckHook, tiny_last_batch
from .class_counts_hook import ClassCountsHook
from .epoch_seed_hook import EpochSeedHook, epoch_seed, seed_worker_from_torch
from .non_finite_loss_hook import NonFiniteLossHook, TrainingDivergedError
from .proco_estimator_hook import ProCoEstimatorHook

__all__ = [
    'BatchSizeCheckHook', 'tiny_last_batch', 'ClassCountsHook',
    'EpochSeedHook', 'NonFiniteLossHook', 'ProCoEstimatorHook',
    'TrainingDivergedError', 'epoch_seed',
    'seed_worker_from_torch'
]
