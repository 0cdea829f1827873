# BCL, ResNet-32, on real long-tailed handwritten digits (MNIST5kLT: 989
# training digits, 400 -> 4 a class at rho = 100; 100 test digits a class),
# with the CIFAR recipe's losses, heads and views. Scaled to a few minutes
# on 2 CPU cores: batch 64, 20 epochs, the CIFAR recipe's schedule shape.
# studies/mnist5k/run.sh compares it with CE, LA-CE and SCL.
#   python tools/train.py configs/bcl/resnet32_mnist5k_lt_r100.py
_base_ = [
    '../_base_/models/bcl_resnet32_cifar.py',
    '../_base_/datasets/mnist5k_lt_bcl.py',
    '../_base_/default_runtime.py',
]

model = dict(head=dict(num_classes=10))
# Accuracy by shot group, and the neural-collapse geometry of the
# contrastive and backbone features, at every validation.
val_evaluator = [dict(type='ShotAccuracy'), dict(type='NeuralCollapse')]
test_evaluator = val_evaluator

# SGD as the CIFAR recipe (lr for batch 64: 0.15 x 64 / 256), a linear
# warm-up over the first 2 epochs, then cosine to 0.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.0375, momentum=0.9, weight_decay=5e-4))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=True, begin=0, end=2,
         convert_to_iter_based=True),
    dict(type='CosineAnnealingLR', by_epoch=True, begin=2, T_max=18,
         convert_to_iter_based=True),
]
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=20)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=64)
default_hooks = dict(
    logger=dict(interval=10),
    checkpoint=dict(interval=20, max_keep_ckpts=1, save_best=None))
randomness = dict(seed=0)
