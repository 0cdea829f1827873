# Cross-entropy baseline for the demo: the same ResNet-8, data and schedule
# as configs/bcl/resnet8_synthetic_lt_demo.py, one view, a linear
# classifier and plain cross-entropy. For side-by-side reports:
#   python tools/analysis_tools/shot_report.py bcl.pkl ce.pkl --names BCL CE
_base_ = ['../bcl/resnet8_synthetic_lt_demo.py']

model = dict(
    _delete_=True,
    type='ImageClassifier',
    backbone=dict(type='CifarResNet', depth=8),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='LinearClsHead',
        num_classes=10,
        in_channels=64,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0)))
# the demo's classification view, alone
train_dataloader = dict(
    dataset=dict(pipeline=[
        dict(type='RandomCrop', crop_size=32, padding=4),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='PackInputs'),
    ]))
