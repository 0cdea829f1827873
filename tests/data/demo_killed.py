# The demo, killed by tests/data/rank_hooks.py (epoch and mode set by the
# test through --cfg-options custom_hooks.2.epoch=... custom_hooks.2.mode=).
_base_ = ['../../configs/bcl/resnet8_synthetic_lt_demo.py']

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
