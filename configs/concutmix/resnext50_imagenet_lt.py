# BCL + ConCutMix, ResNeXt-50 32x4d, ImageNet-LT, 90 epochs: BCL's recipe
# (configs/bcl/resnext50_imagenet_lt.py) with ConCutMix switched on and the
# values of YuMJie/ConCutMix run_files/imagenet_resnext_90.sh (every value
# traced in docs/user_guides/recipe_sources.md).
#   tools/dist_train.sh configs/concutmix/resnext50_imagenet_lt.py 8
_base_ = ['../bcl/resnext50_imagenet_lt.py']

model = dict(
    head=dict(
        # --tau 0.99
        loss=dict(tau=0.99),
        # --scaling_factor 200 255, --topk 30; the area label while
        # epoch <= --l_d_warm 60 (0-based), i.e. for 61 epochs
        mix_label=dict(
            type='SemanticallyConsistentLabel',
            scaling_factor=(200, 255),
            topk=30,
            warmup_epochs=61)))
# The batch's images as in BCL; beside each, an image drawn class-balanced
# (dataset/imagenet.py, Foreground_sampler 'balance') of which only the
# classification view is decoded and made; a batch is pasted with
# probability 0.5 (main.py --cutmix_prob default).
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='BalancedPasteDataset',
        dataset={{_base_.train_dataloader.dataset}}),
    sampler=dict(
        _delete_=True,
        type='BalancedPasteSampler',
        cutmix_prob=0.5,
        sampler={{_base_.train_dataloader.sampler}}))
