# CIFAR-100-LT with BCL's three views; pipelines and normalisation as
# CIFAR-10-LT (ConCutMix normalises CIFAR-100 with CIFAR-10's statistics).
_base_ = ['./cifar10_lt_bcl.py']

data_preprocessor = dict(num_classes=100)
train_dataloader = dict(
    dataset=dict(type='CIFAR100LT', data_root='data/cifar100'))
val_dataloader = dict(
    dataset=dict(type='CIFAR100', data_root='data/cifar100'))
test_dataloader = val_dataloader
