# BCL with ConvNeXt-T on ImageNet-LT: only the backbone and the head's
# in_channels change (the recipe's SGD schedule is kept; transformers and
# ConvNeXt are usually trained with AdamW, override optim_wrapper for that).
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvNeXt',
        arch='tiny',
        gap_before_final_norm=False),
    head=dict(in_channels=768))
