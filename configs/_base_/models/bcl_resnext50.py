# BCL with ResNeXt-50 32x4d on ImageNet-LT (the authors' recipe).
model = dict(
    type='BCLClassifier',
    backbone=dict(
        type='ResNeXt', depth=50, groups=32, width_per_group=4,
        num_stages=4, out_indices=(3, ), style='pytorch'),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='BCLHead',
        num_classes=1000,
        in_channels=2048,
        feat_dim=1024,
        cosine_classifier=True,
        scale=30.0,
        # loss_weight of the classification loss is the paper's alpha
        loss=dict(type='LogitAdjustLoss', tau=1.0, loss_weight=1.0),
        # loss_weight of the contrastive loss is the paper's beta; the
        # authors' DataParallel loss saw the whole 256-image batch, so
        # gather it from all DDP ranks.
        contrast_loss=dict(
            type='BCLLoss',
            temperature=0.07,
            loss_weight=0.35,
            gather_distributed=True)))
