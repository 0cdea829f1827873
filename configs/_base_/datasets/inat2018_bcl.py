# iNaturalist 2018 with BCL's views; pipelines as ImageNet-LT.
_base_ = ['./imagenet_lt_bcl.py']

dataset_type = 'INaturalist2018'
data_root = 'data/inat2018'
# iNaturalist channel statistics used by the authors' iNat loader.
data_preprocessor = dict(
    num_classes=8142,
    mean=[118.83, 120.105, 96.9],
    std=[49.725, 49.47, 48.96])
train_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='iNaturalist18_train.txt'))
val_dataloader = dict(
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='iNaturalist18_val.txt'))
# The published numbers are on the official validation split.
test_dataloader = val_dataloader
