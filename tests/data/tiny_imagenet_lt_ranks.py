# tests/data/tiny_imagenet_lt.py, with every rank recording its pid, the
# validation metrics it sees and its weights after training
# (tests/data/rank_hooks.py), for the 2-process tests.
_base_ = ['./tiny_imagenet_lt.py']

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
