# BCL with ViT-B/16 on ImageNet-LT: only the backbone and the head's
# in_channels change; patch tokens are average-pooled by the neck (see
# convnext-tiny_imagenet_lt.py about the optimiser).
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='VisionTransformer',
        arch='b',
        img_size=224,
        patch_size=16,
        out_type='featmap'),
    head=dict(in_channels=768))
