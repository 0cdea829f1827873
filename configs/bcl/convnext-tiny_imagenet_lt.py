# BCL with ConvNeXt-T on ImageNet-LT: the backbone and the head's
# in_channels change, and the optimiser is MMPretrain's for ConvNeXt: AdamW,
# weight decay 0.05, no decay on norms and biases, linear warm-up then
# cosine, from mmpretrain configs/convnext/convnext-tiny_32xb128_in1k.py
# (lr 4e-3 at batch 4096, no gradient clipping; its EMAHook is left out)
# and configs/_base_/schedules/imagenet_bs1024_adamw_swin.py. The lr is
# scaled linearly to our batch 256; their 20 warm-up epochs of 300 become 6
# of our 90.
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ConvNeXt',
        arch='tiny',
        gap_before_final_norm=False),
    head=dict(in_channels=768))

optim_wrapper = dict(
    optimizer=dict(
        _delete_=True,
        type='AdamW',
        lr=4e-3 * 256 / 4096,
        weight_decay=0.05,
        eps=1e-8,
        betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        norm_decay_mult=0.0, bias_decay_mult=0.0, flat_decay_mult=0.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=6,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True, begin=6,
         T_max=84, end=90),
]
