# ProCo, ResNet-50, ImageNet-LT, 90 epochs
# (sh/ProCo_ImageNetLT_R50_90epochs.sh); everything else as ResNeXt-50.
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'))
