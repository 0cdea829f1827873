# BCL, ResNet-32, CIFAR-100-LT, imbalance ratio 100, with the views'
# photometric work on the device: the CPU workers crop, flip and draw each
# image's plan (AutoAugment for the classification view; colour jitter,
# grayscale and blur for the contrastive views, drawn by the same MMPretrain
# transforms); DeviceAugmentDataPreprocessor applies the plans to the
# whole batch.
_base_ = ['./resnet32_cifar100_lt_r100.py']

# The rest of each view, the recipe's own transform configs in its order.
view_augments = [
    {{_base_.classification_photometric}},
    {{_base_.contrastive_photometric}},
    {{_base_.contrastive_photometric}},
]
train_dataloader = dict(
    pin_memory=True,
    collate_fn=dict(type='default_collate'),
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[
                {{_base_.classification_crop_flip}},
                {{_base_.contrastive_crop_flip}},
            ]),
        dict(type='DrawAugmentPlans', view_augments=view_augments),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=view_augments)
