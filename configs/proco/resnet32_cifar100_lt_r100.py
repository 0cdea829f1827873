# ProCo, ResNet-32, CIFAR-100-LT, imbalance ratio 100: BCL's recipe with
# ProCo's loss and the values its CIFAR code changes (LeapLabTHU/ProCo
# sh/ProCo_CIFAR.sh and ProCo_cifar/main.py; every value traced in
# docs/user_guides/recipe_sources.md).
_base_ = ['../bcl/resnet32_cifar100_lt_r100.py']

model = dict(
    head=dict(
        # use_norm defaults to False in ProCo_cifar/main.py: a linear
        # classifier
        cosine_classifier=False,
        # loss = LA-CE + alpha * ProCo, alpha 1.0 (main.py --alpha)
        loss=dict(loss_weight=1.0),
        contrast_loss=dict(
            _delete_=True, type='ProCoLoss', temperature=0.1,
            loss_weight=1.0)))
# lr 0.3 (sh/ProCo_CIFAR.sh), weight decay 2e-4 (main.py --wd); batch 256,
# 5-epoch warm-up and x0.1 at 160 and 180 as BCL's.
optim_wrapper = dict(optimizer=dict(lr=0.3, weight_decay=2e-4))

# ProCo's views (ProCo_cifar/main.py): the classification view adds Cutout
# (one 16 px hole, zeros, after AutoAugment); the contrastive views crop at
# torchvision's default scale 0.08-1 and have no blur.
classification_view = [
    dict(type='RandomCrop', crop_size=32, padding=4),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='AutoAugment', policies={{_base_.policies_cifar10}}),
    dict(type='Cutout', shape=16, pad_val=0, prob=1.0),
]
contrastive_view = [
    dict(type='RandomResizedCrop', scale=32, crop_ratio_range=(0.08, 1.0)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(
        type='RandomApply',
        transforms=[
            dict(
                type='ColorJitter',
                brightness=0.4,
                contrast=0.4,
                saturation=0.4,
                hue=0.1)
        ],
        prob=0.8),
    dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
]
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(
            type='MultiView',
            num_views=[1, 2],
            transforms=[classification_view, contrastive_view]),
        dict(type='PackInputs'),
    ]))
