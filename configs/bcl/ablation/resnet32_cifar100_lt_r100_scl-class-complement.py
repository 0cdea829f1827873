# Ablation (CIFAR-100-LT, rho = 100): SCL + class-complement (a prototype of
# every class among the keys of every batch), no class-averaging.
_base_ = ['../resnet32_cifar100_lt_r100.py']

model = dict(
    head=dict(
        contrast_loss=dict(class_averaging=False, class_complement=True)))
