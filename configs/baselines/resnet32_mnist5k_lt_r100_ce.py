# MNIST5kLT, rho = 100: plain cross-entropy with a linear classifier on the
# classification view; model, data and schedule as
# configs/bcl/resnet32_mnist5k_lt_r100.py. Its head is BCLHead without the
# contrastive branch (an nn.Linear classifier, like LinearClsHead), so the
# backbone geometry is measured as for the other methods.
_base_ = ['../bcl/resnet32_mnist5k_lt_r100.py']

model = dict(
    type='ImageClassifier',
    head=dict(
        contrast_loss=None,
        cosine_classifier=False,
        loss=dict(_delete_=True, type='CrossEntropyLoss', loss_weight=1.0)))
train_dataloader = dict(
    dataset=dict(pipeline={{_base_.single_view_train_pipeline}}))
