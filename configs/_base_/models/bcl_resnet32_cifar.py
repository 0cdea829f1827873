# BCL with the CIFAR ResNet-32 (He et al., 2016) backbone.
model = dict(
    type='BCLClassifier',
    backbone=dict(type='CifarResNet', depth=32),
    neck=dict(type='GlobalAveragePooling'),
    head=dict(
        type='BCLHead',
        num_classes=10,
        in_channels=64,
        feat_dim=128,
        # contrastive and prototype MLPs 64 -> 512 -> BN -> ReLU -> 128, as
        # the CIFAR re-implementations: ConCutMix models/resnet32.py
        # (model_dict 'resnet32': dim_in 512), ProCo
        # ProCo_cifar/models/resnet_cifar.py (dim_hidden = 512)
        hidden_channels=512,
        cosine_classifier=True,
        scale=30.0,
        # loss_weight of the classification loss is the paper's alpha
        loss=dict(type='LogitAdjustLoss', tau=1.0, loss_weight=2.0),
        # loss_weight of the contrastive loss is the paper's beta
        contrast_loss=dict(type='BCLLoss', temperature=0.1, loss_weight=0.6)))
