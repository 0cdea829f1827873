# ProCo, ResNet-50, iNaturalist 2018 (sh/ProCo_inat_R50_90epochs.sh): lr
# 0.2, weight decay 1e-4, 90 epochs (BCL's recipe trains 100), cosine.
_base_ = ['../bcl/resnet50_inat2018.py']

model = dict(
    head=dict(
        loss=dict(loss_weight=1.0),
        contrast_loss=dict(
            _delete_=True, type='ProCoLoss', temperature=0.07,
            loss_weight=1.0)))
param_scheduler = dict(T_max=90)
train_cfg = dict(max_epochs=90)
