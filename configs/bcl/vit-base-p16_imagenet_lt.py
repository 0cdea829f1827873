# BCL with ViT-B/16 on ImageNet-LT: the backbone and the head's in_channels
# change (patch tokens are average-pooled by the neck), and the optimiser
# is MMPretrain's for ViT: AdamW, weight decay 0.3, no decay on the class
# token and position embedding, gradient clipping at 1, linear warm-up then
# cosine, from mmpretrain configs/vision_transformer/vit-base-p16_64xb64_in1k.py
# and configs/_base_/schedules/imagenet_bs4096_AdamW.py. Their lr, 3e-3 at
# batch 4096, is scaled linearly to our batch 256; their 30 warm-up epochs
# of 300 become 9 of our 90.
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

optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='AdamW', lr=3e-3 * 256 / 4096,
        weight_decay=0.3),
    paramwise_cfg=dict(custom_keys={
        '.cls_token': dict(decay_mult=0.0),
        '.pos_embed': dict(decay_mult=0.0)
    }),
    clip_grad=dict(max_norm=1.0))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-4, by_epoch=True, begin=0, end=9,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=9, T_max=81,
         end=90),
]
