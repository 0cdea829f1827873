# The ProCo demo, killed by tests/data/rank_hooks.py after epoch 2's
# checkpoint (as demo_killed.py).
_base_ = ['../../configs/proco/resnet8_synthetic_lt_demo.py']

custom_imports = dict(
    imports=['mmbcl', 'tests.data.rank_hooks'], allow_failed_imports=False)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='EpochSeedHook'),
    dict(type='KillHook', epoch=2, mode='after_save'),
    dict(type='NonFiniteLossHook'),
    dict(type='SyncBuffersHook'),
    dict(type='ProCoEstimatorHook'),
    dict(type='BatchSizeCheckHook'),
]
