# Any MMPretrain config becomes BCL: this one starts from MMPretrain's stock
# ResNet-50 ImageNet recipe and changes only what BCL needs. Swap the base
# for the recipe you already train (and the head's in_channels for its
# backbone's channels); put a long-tailed dataset (or LongTailDataset) in
# train_dataloader.dataset for a long-tailed run.
_base_ = ['mmpretrain::resnet/resnet50_8xb32_in1k.py']

custom_imports = dict(imports=['mmbcl'], allow_failed_imports=False)
custom_hooks = [
    dict(type='ClassCountsHook'),
    dict(type='BatchSizeCheckHook'),
    dict(type='EpochSeedHook'),
    dict(type='NonFiniteLossHook'),
    dict(type='SyncBuffersHook'),
]
# the same backbone and neck, BCL's classifier and two-branch head
model = dict(
    type='BCLClassifier',
    head=dict(_delete_=True, type='BCLHead', num_classes=1000,
              in_channels=2048, feat_dim=1024))
# the recipe's own train pipeline as the classification view, plus BCL's two
# contrastive views
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='BCLViews', pipeline={{_base_.train_pipeline}}),
]))
val_evaluator = [dict(type='Accuracy', topk=(1, 5)), dict(type='ShotAccuracy')]
test_evaluator = val_evaluator
