# BCL with Swin-T on ImageNet-LT: only the backbone and the head's
# in_channels change (see convnext-tiny_imagenet_lt.py about the optimiser).
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True, type='SwinTransformer', arch='tiny', img_size=224),
    head=dict(in_channels=768))
