# BCL on ImageNet-LT: SGD lr 0.1, cosine, 90 epochs, no warm-up, global
# batch 256 (8 GPUs x 32).
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4))
param_scheduler = dict(
    type='CosineAnnealingLR', by_epoch=True, begin=0, T_max=90, eta_min=0)

train_cfg = dict(by_epoch=True, max_epochs=90, val_interval=5)
val_cfg = dict()
test_cfg = dict()

# The recipe's lr is for a total batch of 256; --auto-scale-lr rescales it.
auto_scale_lr = dict(base_batch_size=256)
