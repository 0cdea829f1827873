# BCL + ConCutMix, ResNet-50, ImageNet-LT, 100 epochs: as ResNeXt-50 with
# the values of run_files/imagenet_resnet_100.sh (--arch resnet50,
# --epochs 100 with the cosine schedule, --l_d_warm 70).
#   tools/dist_train.sh configs/concutmix/resnet50_imagenet_lt.py 8
_base_ = ['./resnext50_imagenet_lt.py']

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        depth=50,
        num_stages=4,
        out_indices=(3, ),
        style='pytorch'),
    head=dict(mix_label=dict(warmup_epochs=71)))
param_scheduler = dict(T_max=100)
train_cfg = dict(max_epochs=100)
