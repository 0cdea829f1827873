# BCL + ConCutMix, ResNet-32, CIFAR-100-LT, imbalance ratio 100, with the
# views' photometric work on the device (as
# configs/bcl/resnet32_cifar100_lt_r100_gpu-aug.py): the workers crop, flip
# and draw the plans of the three views and of the paste image's
# classification view; DeviceAugmentDataPreprocessor applies them to the
# batch and pastes there.
_base_ = ['./resnet32_cifar100_lt_r100.py']

view_augments = [
    {{_base_.classification_photometric}},
    {{_base_.contrastive_photometric}},
    {{_base_.contrastive_photometric}},
]
train_dataloader = dict(
    pin_memory=True,
    collate_fn=dict(type='default_collate'),
    # the paste pipeline follows: the classification view's crop and flip,
    # DrawAugmentPlans with view_augments[0], PackHWCInputs
    dataset=dict(
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
        ])))
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=view_augments)
