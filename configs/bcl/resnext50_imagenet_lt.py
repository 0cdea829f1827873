# BCL, ResNeXt-50 32x4d, ImageNet-LT: classification view + 2 "sim" views.
#   tools/dist_train.sh configs/bcl/resnext50_imagenet_lt.py 8
_base_ = [
    '../_base_/models/bcl_resnext50.py',
    '../_base_/datasets/imagenet_lt_bcl.py',
    '../_base_/schedules/imagenet_lt_bcl_90e.py',
    '../_base_/default_runtime.py',
]

default_hooks = dict(checkpoint=dict(interval=5))
