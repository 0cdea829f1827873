# CIFAR-100-LT with BCL's three views; pipelines as CIFAR-10-LT.
_base_ = ['./cifar10_lt_bcl.py']

# CIFAR-100's own statistics (mmpretrain's cifar100 base); Cutout keeps
# CIFAR-10's mean fill, within 4 grey levels of CIFAR-100's.
data_preprocessor = dict(
    num_classes=100,
    mean=[129.304, 124.070, 112.434],
    std=[68.170, 65.392, 70.418])
train_dataloader = dict(
    dataset=dict(type='CIFAR100LT', data_root='data/cifar100'))
val_dataloader = dict(
    dataset=dict(type='CIFAR100', data_root='data/cifar100'))
test_dataloader = val_dataloader
