# BCL on your own class folders: data_root/train/<class>/*.png and
# data_root/val/<class>/*.png (any image format mmcv reads). Set the
# variables below (or --cfg-options), then
#   python tools/train.py configs/bcl/resnet8_folder_lt.py
# The training folder is made long-tailed (imb_factor = 1 / rho) by
# LongTailDataset; for a folder that is long-tailed already, set
# imb_factor = 1.0. Settings for small sets: README, "Your own class folders".
_base_ = ['./resnet8_synthetic_lt_demo.py']

data_root = 'data/my_folder'  # the one path to set
num_classes = 10
image_size = 32  # images are resized to image_size x image_size
imb_factor = 0.01
n_max = None  # at most this many images of the largest class

model = dict(head=dict(num_classes=num_classes))
data_preprocessor = dict(num_classes=num_classes)

load = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(image_size, image_size)),
]
classification_view = [
    dict(type='RandomCrop', crop_size=image_size, padding=image_size // 8),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
contrastive_crop_flip = [
    dict(type='RandomResizedCrop', scale=image_size,
         crop_ratio_range=(0.5, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
]
contrastive_view = contrastive_crop_flip + [
    dict(type='RandomApply', prob=0.8, transforms=[
        dict(type='ColorJitter', brightness=0.4, contrast=0.4,
             saturation=0.4, hue=0.1)
    ]),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]

# small sets: a smaller batch gives more steps an epoch, and a last batch
# of a few images is dropped (BCL refuses to train on one)
global_batch_size = 32
auto_scale_lr = dict(base_batch_size=32)
train_dataloader = dict(
    batch_size=32,
    drop_last=True,
    dataset=dict(
        _delete_=True,
        type='LongTailDataset',
        imb_factor=imb_factor,
        n_max=n_max,
        dataset=dict(
            type='CustomDataset',
            data_root=data_root,
            data_prefix='train',
            pipeline=[
                *load,
                dict(type='MultiView', num_views=[1, 2],
                     transforms=[classification_view, contrastive_view]),
                dict(type='PackInputs'),
            ])))
val_dataloader = dict(
    batch_size=100,
    dataset=dict(
        _delete_=True,
        type='CustomDataset',
        data_root=data_root,
        data_prefix='val',
        pipeline=[*load, dict(type='PackInputs')]))
test_dataloader = val_dataloader
# the demo's 20 epochs are 20 x 19 steps; a set of a few hundred images
# needs more epochs for as many steps (README, "Your own class folders")
train_cfg = dict(max_epochs=60, val_interval=10)
