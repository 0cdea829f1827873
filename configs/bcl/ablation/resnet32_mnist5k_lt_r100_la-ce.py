# MNIST5kLT, rho = 100: the LA-CE branch alone (beta = 0): the same
# ResNet-32, cosine classifier, logit-adjusted cross-entropy, schedule and
# classification view as configs/bcl/resnet32_mnist5k_lt_r100.py, without
# the contrastive branch and its two views.
_base_ = ['../resnet32_mnist5k_lt_r100.py']

model = dict(type='ImageClassifier', head=dict(contrast_loss=None))
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.single_view_train_pipeline}}))
