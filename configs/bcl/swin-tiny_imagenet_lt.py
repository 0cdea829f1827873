# BCL with Swin-T on ImageNet-LT: the backbone and the head's in_channels
# change, and the optimiser is MMPretrain's for Swin (transformers are not
# trained with SGD): AdamW, weight decay 0.05, no decay on norms, biases and
# position tables, gradient clipping at 5, linear warm-up then cosine, from
# mmpretrain configs/swin_transformer/swin-tiny_16xb64_in1k.py and
# configs/_base_/schedules/imagenet_bs1024_adamw_swin.py. Their lr,
# 5e-4 * 1024 / 512 at batch 1024, is scaled linearly to our batch 256;
# their 20 warm-up epochs of 300 become 6 of our 90.
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True, type='SwinTransformer', arch='tiny', img_size=224),
    head=dict(in_channels=768))

optim_wrapper = dict(
    optimizer=dict(
        _delete_=True,
        type='AdamW',
        lr=5e-4 * 1024 / 512 * 256 / 1024,
        weight_decay=0.05,
        eps=1e-8,
        betas=(0.9, 0.999)),
    paramwise_cfg=dict(
        norm_decay_mult=0.0,
        bias_decay_mult=0.0,
        flat_decay_mult=0.0,
        custom_keys={
            '.absolute_pos_embed': dict(decay_mult=0.0),
            '.relative_position_bias_table': dict(decay_mult=0.0)
        }),
    clip_grad=dict(max_norm=5.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-3, by_epoch=True, begin=0, end=6,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=True, begin=6,
         T_max=84, end=90),
]
