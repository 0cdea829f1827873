# mmbcl runtime: MMPretrain's defaults plus what every BCL recipe needs.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['mmbcl'], allow_failed_imports=False)

# ClassCountsHook carries the training set's class counts to BCLHead's
# checks, ShotAccuracy and into checkpoints (for test-only runs), and the
# prior of the labels drawn to LogitAdjustLoss. BatchSizeCheckHook refuses,
# before training, a batch size or a tiny last batch BCL cannot learn from.
# EpochSeedHook reseeds every
# epoch from (seed, epoch, rank), so a resumed run repeats the
# uninterrupted one. NonFiniteLossHook stops a diverged run under any
# precision (the losses pass NaN/Inf on, so that AMP's loss scaler can skip
# an overflowed step) and logs the overflows the scaler recovers from.
# SyncBuffersHook (MMEngine's) averages the BatchNorm statistics over the
# processes after every epoch, so each rank validates, and the checkpoint
# holds, the same model: the final validation is the saved model's.
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='BatchSizeCheckHook'),
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook', interval=50, patience=20),
    dict(type='SyncBuffersHook'),
    # ProCoLoss's per-epoch swap of its class estimates (no-op without it)
    dict(type='ProCoEstimatorHook'),
]

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=50),
    checkpoint=dict(
        type='CheckpointHook',
        interval=10,
        max_keep_ckpts=3,
        save_best='shot/top1',
        rule='greater'))

val_evaluator = dict(type='ShotAccuracy')
test_evaluator = val_evaluator
