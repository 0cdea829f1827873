# configs/bcl/resnet32_cifar10_lt_r10.py on a CIFAR-10 that rank 0
# "downloads" from a local archive (tests/data/local_cifar.py), shrunk to
# a few iterations, for the 2-process first-run test.
_base_ = ['../../configs/bcl/resnet32_cifar10_lt_r10.py']

custom_imports = dict(
    imports=['mmbcl', 'tests.data.local_cifar'], allow_failed_imports=False)
train_dataloader = dict(
    batch_size=4, num_workers=0, persistent_workers=False, drop_last=True,
    dataset=dict(type='LocalCIFAR10LT'))
val_dataloader = dict(
    batch_size=10, num_workers=0, persistent_workers=False,
    dataset=dict(type='LocalCIFAR10LT'))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=1, val_interval=1)
