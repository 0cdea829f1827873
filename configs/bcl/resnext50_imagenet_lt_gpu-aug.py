# BCL, ResNeXt-50 32x4d, ImageNet-LT, with the views' photometric work on
# the GPU. The CPU only decodes, crops, flips and packs uint8 views;
# DeviceAugmentDataPreprocessor applies the recipe's colour jitter,
# grayscale and RandAugment per image on the device, drawn by the same
# MMPretrain transforms (see docs/benchmark.md and README, "gpu-aug").
#   tools/dist_train.sh configs/bcl/resnext50_imagenet_lt_gpu-aug.py 8
_base_ = ['./resnext50_imagenet_lt.py']

crop_flip = [
    dict(type='RandomResizedCrop', scale=224),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[crop_flip, crop_flip]),
        dict(type='PackInputs'),
    ]))

# The rest of each view of resnext50_imagenet_lt.py, in the same order.
classification_augments = [
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    {{_base_.rand_augment}},
]
sim_augments = [
    dict(type='RandomApply', transforms=[{{_base_.color_jitter}}], prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    view_augments=[classification_augments, sim_augments, sim_augments])
