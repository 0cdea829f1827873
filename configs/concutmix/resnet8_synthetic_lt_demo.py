# The embedded demo (configs/bcl/resnet8_synthetic_lt_demo.py) with
# ConCutMix: half the batches get a box pasted from class-balanced images
# into their classification views, labelled by area for the first half of
# training and by the contrastive space after it. A few minutes on 2 CPU
# cores.
#   python tools/train.py configs/concutmix/resnet8_synthetic_lt_demo.py
_base_ = ['../bcl/resnet8_synthetic_lt_demo.py']

# ConCutMix's CIFAR-10 values for 10 classes (run_files/cifar10_imb100.sh:
# --scaling_factor 2 255, --topk 3); the area label for the first half of
# the epochs, as its 200-epoch CIFAR runs (--l_d_warm 100).
model = dict(
    head=dict(
        mix_label=dict(
            type='SemanticallyConsistentLabel',
            scaling_factor=(2, 255),
            topk=3,
            warmup_epochs=10)))
# The batch's images as before; beside each, a class-balanced paste image
# of which only the classification view is made.
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
