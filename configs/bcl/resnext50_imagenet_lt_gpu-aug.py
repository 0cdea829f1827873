# BCL, ResNeXt-50 32x4d, ImageNet-LT, with the views' photometric work on
# the GPU. The CPU workers decode, crop, flip and pack uint8 views, and draw
# each image's plan for the rest of each view (DrawAugmentPlans: colour
# jitter, RandAugment, grayscale, drawn by the same MMPretrain transforms);
# DeviceAugmentDataPreprocessor applies the plans to the whole batch on the
# device (see benchmarks/README.md and docs/advanced_guides/device_augmentation.md).
#   tools/dist_train.sh configs/bcl/resnext50_imagenet_lt_gpu-aug.py 8
_base_ = ['./resnext50_imagenet_lt.py']

# The rest of each view, the recipe's own transform configs in its order.
view_augments = [
    {{_base_.classification_photometric}},
    {{_base_.sim_photometric}},
    {{_base_.sim_photometric}},
]
train_dataloader = dict(
    # one pinned tensor per view, plans and labels: one non-blocking copy
    # each to the device
    pin_memory=True,
    collate_fn=dict(type='default_collate'),
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[{{_base_.crop_flip}}, {{_base_.crop_flip}}]),
        dict(type='DrawAugmentPlans', view_augments=view_augments),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=view_augments)
