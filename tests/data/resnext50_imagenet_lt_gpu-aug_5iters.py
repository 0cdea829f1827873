# resnext50_imagenet_lt_5iters.py for the gpu-aug recipe: the same 6
# classes, 5 iterations and no validation (the GPU smoke suite).
_base_ = ['../../configs/bcl/resnext50_imagenet_lt_gpu-aug.py']

model = dict(head=dict(num_classes=6))
data_preprocessor = dict(num_classes=6)
train_dataloader = dict(
    batch_size=8, num_workers=2, dataset=dict(num_classes=6))
train_cfg = dict(
    _delete_=True, type='IterBasedTrainLoop', max_iters=5,
    val_interval=1000)
val_cfg = None
val_dataloader = None
val_evaluator = None
param_scheduler = dict(by_epoch=False, T_max=5)
default_hooks = dict(
    logger=dict(interval=1),
    checkpoint=dict(by_epoch=False, interval=5, save_best=None))
