# The gpu-aug demo, killed by tests/data/rank_hooks.py after epoch 2.
_base_ = ['../../configs/bcl/resnet8_synthetic_lt_demo_gpu-aug.py']

custom_imports = dict(
    imports=['mmbcl', 'tests.data.rank_hooks'], allow_failed_imports=False)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='EpochSeedHook'),
    dict(type='KillHook', epoch=2, mode='after_save'),
    dict(type='NonFiniteLossHook'),
    dict(type='SyncBuffersHook'),
    dict(type='BatchSizeCheckHook'),
]
