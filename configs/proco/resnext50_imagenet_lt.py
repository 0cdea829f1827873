# ProCo, ResNeXt-50 32x4d, ImageNet-LT, 90 epochs: BCL's recipe with
# ProCo's loss (LeapLabTHU/ProCo sh/ProCo_ImageNetLT_X50_90epochs.sh and
# ProCo/main.py; every value traced in
# docs/user_guides/recipe_sources.md). Batch 8 x 32, SGD lr 0.1, weight decay
# 5e-4, cosine, sim-sim views, feature size 1024 and the cosine classifier
# are BCL's and ProCo's alike.
#   tools/dist_train.sh configs/proco/resnext50_imagenet_lt.py 8
_base_ = ['../bcl/resnext50_imagenet_lt.py']

model = dict(
    head=dict(
        # loss = LA-CE + alpha * ProCo, alpha 1.0 (main.py --alpha)
        loss=dict(loss_weight=1.0),
        # temperature 0.07 (main.py --temp); the class estimates gather
        # every rank's features, the loss sees this rank's batch
        contrast_loss=dict(
            _delete_=True, type='ProCoLoss', temperature=0.07,
            loss_weight=1.0)))
