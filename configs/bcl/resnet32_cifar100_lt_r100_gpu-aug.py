# BCL, ResNet-32, CIFAR-100-LT, imbalance ratio 100, with the views'
# photometric work on the device: the CPU crops and flips;
# DeviceAugmentDataPreprocessor applies AutoAugment (classification view)
# and colour jitter, grayscale and blur (contrastive views) per image,
# drawn by the same MMPretrain transforms.
_base_ = ['./resnet32_cifar100_lt_r100.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[
                [
                    dict(type='RandomCrop', crop_size=32, padding=4),
                    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                ],
                [
                    dict(
                        type='RandomResizedCrop',
                        scale=32,
                        crop_ratio_range=(0.2, 1.0)),
                    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                ],
            ]),
        dict(type='PackInputs'),
    ]))

# The rest of each view of resnet32_cifar100_lt_r100.py, in the same order.
contrastive_augments = [
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
    dict(
        type='GaussianBlur',
        magnitude_range=(0.1, 2.0),
        magnitude_level=10,
        total_level=10,
        magnitude_std='inf',
        prob=0.5),
]
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    view_augments=[[
        dict(type='AutoAugment', policies={{_base_.policies_cifar10}})
    ], contrastive_augments, contrastive_augments])
