# BCL + ConCutMix, ResNet-32, CIFAR-100-LT, imbalance ratio 100: BCL's recipe
# (configs/bcl/resnet32_cifar100_lt_r100.py) with ConCutMix switched on and
# the values of its run file (YuMJie/ConCutMix run_files/cifar100_imb100.sh;
# every value traced in docs/user_guides/recipe_sources.md).
#   python tools/train.py configs/concutmix/resnet32_cifar100_lt_r100.py
_base_ = ['../bcl/resnet32_cifar100_lt_r100.py']

model = dict(
    head=dict(
        # --tau 0.9: ConCutMix's logit-adjustment tau for this data
        loss=dict(tau=0.9),
        # --scaling_factor 20 255, --topk 30; the area label while
        # epoch <= --l_d_warm 100 (0-based), i.e. for 101 epochs
        mix_label=dict(
            type='SemanticallyConsistentLabel',
            scaling_factor=(20, 255),
            topk=30,
            warmup_epochs=101)))
# The batch's images as in BCL; beside each, an image drawn class-balanced
# (dataset/cifar.py, Foreground_sampler 'balance') of which only the
# classification view is made; a batch is pasted with probability 0.5
# (main.py --cutmix_prob default).
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
