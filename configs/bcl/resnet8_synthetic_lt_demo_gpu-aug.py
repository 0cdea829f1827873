# The embedded demo with its contrastive views' colour work on the device:
# the CPU workers crop, flip and draw each image's jitter and grayscale
# plan (DrawAugmentPlans); DeviceAugmentDataPreprocessor applies the plans
# to the whole batch where the model runs.
#   python tools/train.py configs/bcl/resnet8_synthetic_lt_demo_gpu-aug.py
_base_ = ['./resnet8_synthetic_lt_demo.py']

# The rest of each view, the demo's own transform configs in its order.
view_augments = [
    [],
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
                {{_base_.classification_view}},
                {{_base_.contrastive_crop_flip}},
            ]),
        dict(type='DrawAugmentPlans', view_augments=view_augments),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=view_augments)
