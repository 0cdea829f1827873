# The ImageNet-LT ResNeXt-50 recipe, unchanged but for 6 classes, 5
# iterations and no validation: the GPU smoke suite runs it on generated
# 224 px images (data_root set by the test).
_base_ = ['../../configs/bcl/resnext50_imagenet_lt.py']

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
