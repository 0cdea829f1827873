# BCL on CIFAR-LT: 200 epochs, batch 256 on 1 GPU, SGD lr 0.15, 5-epoch
# warm-up stepped per epoch (lr * (e + 1) / 5, as ConCutMix's adjust_lr),
# x0.1 at epochs 160 and 180.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.15, momentum=0.9, weight_decay=5e-4))

param_scheduler = [
    dict(
        type='LinearLR',
        start_factor=0.2,
        end_factor=1.0,
        by_epoch=True,
        begin=0,
        end=5),
    dict(
        type='MultiStepLR',
        by_epoch=True,
        # begin 0: mmengine counts milestones from ``begin``.
        begin=0,
        milestones=[160, 180],
        gamma=0.1),
]

train_cfg = dict(by_epoch=True, max_epochs=200, val_interval=10)
val_cfg = dict()
test_cfg = dict()

# The recipe's lr is for a total batch of 256; --auto-scale-lr rescales it.
auto_scale_lr = dict(base_batch_size=256)
