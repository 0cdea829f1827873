# BCL, ResNet-50, iNaturalist 2018: lr 0.2, weight decay 1e-4, 100 epochs,
# cosine; loss settings as ImageNet-LT.
_base_ = [
    '../_base_/models/bcl_resnext50.py',
    '../_base_/datasets/inat2018_bcl.py',
    '../_base_/schedules/imagenet_lt_bcl_90e.py',
    '../_base_/default_runtime.py',
]

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    head=dict(num_classes=8142))
optim_wrapper = dict(optimizer=dict(lr=0.2, weight_decay=1e-4))
param_scheduler = dict(T_max=100)
train_cfg = dict(max_epochs=100)
default_hooks = dict(checkpoint=dict(interval=5))
