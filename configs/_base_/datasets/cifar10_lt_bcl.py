# CIFAR-10-LT with BCL's three views: 1 classification view ("randcls")
# and 2 contrastive views ("sim").
_base_ = ['./pipelines/auto_aug_cifar10.py']

dataset_type = 'CIFAR10LT'
data_preprocessor = dict(
    num_classes=10,
    # RGB format normalization parameters
    mean=[125.307, 122.961, 113.8575],
    std=[51.5865, 50.847, 51.255],
    # loaded images are already RGB format
    to_rgb=False)

classification_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='AutoAugment', policies={{_base_.policies_cifar10}}),
    # Cutout 16 filled with the mean colour (zero after normalisation).
    dict(type='Cutout', shape=16, pad_val=[125, 123, 114], prob=1.0),
]
contrastive_view = [
    dict(type='RandomResizedCrop', scale=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
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
]
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
