# BCL, ResNeXt-50 32x4d, ImageNet-LT, with the views' photometric work on
# the GPU. The CPU only decodes, crops, flips and packs uint8 views;
# DeviceAugmentDataPreprocessor applies the recipe's colour jitter,
# grayscale and RandAugment per image on the device, drawn by the same
# MMPretrain transforms (see docs/benchmark.md and README, "gpu-aug").
#   tools/dist_train.sh configs/bcl/resnext50_imagenet_lt_gpu-aug.py 8
_base_ = ['./resnext50_imagenet_lt.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[{{_base_.crop_flip}}, {{_base_.crop_flip}}]),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
# The rest of each view, the recipe's own transform configs in its order.
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=[
        {{_base_.classification_photometric}},
        {{_base_.sim_photometric}},
        {{_base_.sim_photometric}},
    ])
