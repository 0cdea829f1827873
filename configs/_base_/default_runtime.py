# mmbcl runtime: MMPretrain's defaults plus what every BCL recipe needs.
_base_ = ['mmpretrain::_base_/default_runtime.py']

custom_imports = dict(imports=['mmbcl'], allow_failed_imports=False)

# ClassCountsHook carries the training set's class counts to
# LogitAdjustLoss, BCLHead's checks, ShotAccuracy and into checkpoints (for
# test-only runs). EpochSeedHook reseeds every epoch from (seed, epoch,
# rank), so a resumed run repeats the uninterrupted one. NonFiniteLossHook
# stops a diverged fp32 run (the losses pass NaN/Inf on, so that AMP's loss
# scaler can skip an overflowed step) and logs the skipped steps under AMP.
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook', interval=50, patience=20),
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
