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
                {{_base_.contrastive_crop_flip}},
            ]),
        dict(type='PackHWCInputs'),  # uint8, (H, W, C)
    ]))
# The rest of each view, the demo's own transform configs in its order.
data_preprocessor = dict(
    type='DeviceAugmentDataPreprocessor',
    hwc_inputs=True,
    view_augments=[
        [],
        {{_base_.contrastive_photometric}},
        {{_base_.contrastive_photometric}},
    ])
