# Ablation (CIFAR-100-LT, rho = 100): the LA-CE branch alone (beta = 0): the
# same ResNet-32, cosine classifier, logit-adjusted cross-entropy, schedule
# and classification view, without the contrastive branch and its two
# views. BCLHead with contrast_loss=None is a plain single-view head.
_base_ = ['../resnet32_cifar100_lt_r100.py']

model = dict(
    type='ImageClassifier',
    head=dict(contrast_loss=None))
# the classification view alone, one view per image
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.single_view_train_pipeline}}))
