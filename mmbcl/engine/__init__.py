from .hooks import (ClassCountsHook, EpochSeedHook, NonFiniteLossHook,
                    epoch_seed, seed_worker_from_torch)

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossHook', 'epoch_seed',
    'seed_worker_from_torch'
]
