# BCL + ConCutMix, ResNet-50, iNaturalist 2018, 100 epochs: BCL's recipe
# (configs/bcl/resnet50_inat2018.py) with ConCutMix switched on and the
# values of YuMJie/ConCutMix run_files/inaturalist_resnet_100.sh (every
# value traced in docs/user_guides/recipe_sources.md).
#   tools/dist_train.sh configs/concutmix/resnet50_inat2018.py 8
_base_ = ['../bcl/resnet50_inat2018.py']

model = dict(
    head=dict(
        # --tau 0.99
        loss=dict(tau=0.99),
        # --scaling_factor 1628 255, --topk 30; the area label while
        # epoch <= --l_d_warm 80 (0-based), i.e. for 81 epochs
        mix_label=dict(
            type='SemanticallyConsistentLabel',
            scaling_factor=(1628, 255),
            topk=30,
            warmup_epochs=81)))
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
