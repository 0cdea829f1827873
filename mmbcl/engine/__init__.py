from .hooks import (ClassCountsHook, EpochSeedHook, epoch_seed,
                    seed_worker_from_torch)

__all__ = [
    'ClassCountsHook', 'EpochSeedHook', 'epoch_seed', 'seed_worker_from_torch'
]
