# The demo for the multi-process soak: every rank records its pid, the
# validation metrics it sees and its weights after training
# (tests/data/rank_hooks.py).
_base_ = ['../../configs/bcl/resnet8_synthetic_lt_demo.py']

custom_imports = dict(
    imports=['mmbcl', 'tests.data.rank_hooks'], allow_failed_imports=False)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='SyncBuffersHook'),
    dict(type='RecordRankHook'),
    dict(type='BatchSizeCheckHook'),
]
