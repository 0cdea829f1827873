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
                {{_base_.classification_crop_flip}},
                {{_base_.contrastive_crop_flip}},
            ]),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
# The rest of each view, the recipe's own transform configs in its order.
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=[
        {{_base_.classification_photometric}},
        {{_base_.contrastive_photometric}},
        {{_base_.contrastive_photometric}},
    ])
