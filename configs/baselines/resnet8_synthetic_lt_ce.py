# Cross-entropy baseline for the demo: the same ResNet-8, data and schedule
# as configs/bcl/resnet8_synthetic_lt_demo.py, one view, a linear
# classifier and plain cross-entropy. Its head is BCLHead without the
# contrastive branch (an nn.Linear classifier, like LinearClsHead), so
# predictions carry the pooled backbone feature: the demo's NeuralCollapse
# reports the backbone geometry, and `tools/test.py --out-feature
# backbone_feat` writes class means the analysis tools can compare:
#   python tools/analysis_tools/shot_report.py bcl.npz ce.npz --names BCL CE
_base_ = ['../bcl/resnet8_synthetic_lt_demo.py']

model = dict(
    type='ImageClassifier',
    head=dict(
        contrast_loss=None,
        cosine_classifier=False,
        loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
# the demo's classification view, alone
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.single_view_train_pipeline}}))
