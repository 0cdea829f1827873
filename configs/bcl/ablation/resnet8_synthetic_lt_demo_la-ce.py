# The demo's LA-CE branch alone (beta = 0): the same ResNet-8, cosine
# classifier, logit-adjusted cross-entropy, data, schedule and
# classification view, without the contrastive branch and its two views.
# studies/demo_report/run.sh compares it with SCL and BCL.
_base_ = ['../resnet8_synthetic_lt_demo.py']

model = dict(type='ImageClassifier', head=dict(contrast_loss=None))
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.single_view_train_pipeline}}))
