# BCL, ResNeXt-50, ImageNet-LT, contrastive views "sim" + "rand"
# (rand = sim + RandAugment).
_base_ = ['./resnext50_imagenet_lt.py']

train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='LoadImageFromFile'),
        dict(
            type='MultiView',
            num_views=[1, 1, 1],
            transforms=[
                {{_base_.classification_view}}, {{_base_.sim_view}},
                {{_base_.rand_view}}
            ]),
        dict(type='PackInputs'),
    ]))
