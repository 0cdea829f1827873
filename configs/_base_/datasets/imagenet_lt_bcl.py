# ImageNet-LT with BCL's views (the authors' main_moco-style loaders):
# "randcls" classification view + two "sim" contrastive views.
_base_ = ['./pipelines/rand_aug_timm.py']

dataset_type = 'ImageNetLT'
data_root = 'data/imagenet'
data_preprocessor = dict(
    num_classes=1000,
    # RGB format normalization parameters
    mean=[123.675, 116.28, 103.53],
    std=[58.395, 57.12, 57.375],
    # convert image from BGR to RGB
    to_rgb=True)

rand_augment = dict(
    type='RandAugment',
    policies={{_base_.rand_policies_timm}},
    num_policies=2,
    total_level=10,
    magnitude_level=10,
    magnitude_std=0.5,
    hparams=dict(
        pad_val=[104, 116, 124], interpolation=('bilinear', 'bicubic')))
color_jitter = dict(
    type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4, hue=0.1)

# Each view is its crop and flip, then its photometric transforms (the
# part the gpu-aug recipe runs on the device).
crop_flip = [
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
classification_photometric = [
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    rand_augment,
]
sim_photometric = [
    dict(type='RandomApply', transforms=[color_jitter], prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
classification_view = crop_flip + classification_photometric
sim_view = crop_flip + sim_photometric
rand_view = sim_view + [rand_augment]

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(
        type='MultiView',
        num_views=[1, 2],
        transforms=[classification_view, sim_view]),
    dict(type='PackInputs'),
]
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=256, edge='short'),
    dict(type='CenterCrop', crop_size=224),
    dict(type='PackInputs'),
]

# 8 GPUs x 32 = 256 images a step: the authors' global batch (they ran 4
# GPUs with DataParallel, 256 in all; see docs/user_guides/recipe_sources.md).
train_dataloader = dict(
    batch_size=32,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_train.txt',
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=64,
    num_workers=8,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='ImageNet_LT_val.txt',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
# The published numbers are on the 50-per-class test split.
test_dataloader = dict(
    val_dataloader,
    dataset=dict(val_dataloader['dataset'], ann_file='ImageNet_LT_test.txt'))
