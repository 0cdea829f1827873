# The embedded demo with its contrastive views' colour work on the device
# (DeviceAugmentDataPreprocessor): the CPU crops and flips; jitter and
# grayscale run batched, per image, where the model runs.
#   python tools/train.py configs/bcl/resnet8_synthetic_lt_demo_gpu-aug.py
_base_ = ['./resnet8_synthetic_lt_demo.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[
                {{_base_.classification_view}},
                [
                    dict(
                        type='RandomResizedCrop',
                        scale=32,
                        crop_ratio_range=(0.5, 1.0)),
                    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
                ],
            ]),
        dict(type='PackInputs'),
    ]))

# The rest of the demo's contrastive view, in the same order.
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
]
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    view_augments=[[], contrastive_augments, contrastive_augments])
