# CIFAR-10-LT with BCL's three views: 1 classification view and 2
# contrastive views, value for value as ConCutMix's BCL branch
# (YuMJie/ConCutMix main.py, --cl_views uncutout-sim; docs/user_guides/recipe_sources.md). The
# subsets are the standard ones (numpy seed 0, as LDAM-DRW and the authors'
# dataset/cifar.py; ConCutMix selects with seed 10).
_base_ = ['./pipelines/auto_aug_cifar10.py']

dataset_type = 'CIFAR10LT'
data_preprocessor = dict(
    num_classes=10,
    # RGB normalisation, 255 x (0.4914, 0.4822, 0.4465) / (0.2023, 0.1994,
    # 0.2010), as ConCutMix for both CIFAR-10 and CIFAR-100
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    # loaded images are already RGB format
    to_rgb=False)

# Each view is its crop and flip, then its photometric transforms (the
# part the gpu-aug recipe runs on the device).
classification_crop_flip = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
classification_photometric = [
    dict(type='AutoAugment', policies={{_base_.policies_cifar10}}),
]
contrastive_crop_flip = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.2, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
contrastive_photometric = [
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.4,
                hue=0.1)
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
    # SimCLR's blur: PIL GaussianBlur, radius uniform in [0.1, 2], p 0.5.
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_level=10,
        total_level=10,
        magnitude_std='inf',
        prob=0.5),
]
classification_view = classification_crop_flip + classification_photometric
contrastive_view = contrastive_crop_flip + contrastive_photometric
train_pipeline = [
    dict(
        type='MultiView',
        num_views=[1, 2],
        transforms=[classification_view, contrastive_view]),
    dict(type='PackInputs'),
]
# The classification view alone, for single-view baselines (LA-CE, beta = 0).
single_view_train_pipeline = [*classification_view, dict(type='PackInputs')]
test_pipeline = [dict(type='PackInputs')]

train_dataloader = dict(
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type=dataset_type,
        data_root='data/cifar10',
        split='train',
        imb_factor=0.01,
        pipeline=train_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=True),
)
val_dataloader = dict(
    batch_size=256,
    num_workers=4,
    persistent_workers=True,
    dataset=dict(
        type='CIFAR10',
        data_root='data/cifar10',
        split='test',
        pipeline=test_pipeline),
    sampler=dict(type='DefaultSampler', shuffle=False),
)
test_dataloader = val_dataloader
