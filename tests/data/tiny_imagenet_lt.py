# The ImageNet-LT recipe shrunk for CPU tests: 32 px images, ResNet-18,
# 6 classes; the data root and list files are set by the test.
_base_ = ['../../configs/bcl/resnet50_imagenet_lt.py']

model = dict(
    backbone=dict(depth=18),
    head=dict(num_classes=6, in_channels=512, feat_dim=16))
data_preprocessor = dict(num_classes=6)

small_cls = [
    dict(type='RandomResizedCrop', scale=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='ColorJitter', brightness=0.4, contrast=0.4, saturation=0.4),
    {{_base_.rand_augment}},
]
small_sim = [
    dict(type='RandomResizedCrop', scale=32),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomApply', transforms=[{{_base_.color_jitter}}], prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        num_classes=6,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='MultiView', num_views=[1, 2],
                 transforms=[small_cls, small_sim]),
            dict(type='PackInputs'),
        ]))
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='ResizeEdge', scale=36, edge='short'),
    dict(type='CenterCrop', crop_size=32),
    dict(type='PackInputs'),
]
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(num_classes=6, pipeline=test_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=2, val_interval=1)
param_scheduler = dict(T_max=2)
default_hooks = dict(
    logger=dict(interval=1), checkpoint=dict(interval=1))
