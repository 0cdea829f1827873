# BCL + ConCutMix on MNIST5kLT (configs/bcl/resnet32_mnist5k_lt_r100.py):
# the same recipe with ConCutMix switched on and nothing else changed (the
# LA tau stays BCL's 1.0), for the side-by-side comparison in
# studies/mnist5k. ConCutMix's CIFAR-10 values for 10 classes
# (run_files/cifar10_imb100.sh: --scaling_factor 2 255, --topk 3,
# --cutmix_prob default 0.5); the area label for the first half of the
# epochs, as its 200-epoch CIFAR runs (--l_d_warm 100).
#   python tools/train.py configs/concutmix/resnet32_mnist5k_lt_r100.py
_base_ = ['../bcl/resnet32_mnist5k_lt_r100.py']

model = dict(
    head=dict(
        mix_label=dict(
            type='SemanticallyConsistentLabel',
            scaling_factor=(2, 255),
            topk=3,
            warmup_epochs=10)))
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
