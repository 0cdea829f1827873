# Ablation (CIFAR-100-LT, rho = 100): SCL + class-averaging (each class's
# similarities averaged in the denominator), no class-complement.
_base_ = ['../resnet32_cifar100_lt_r100.py']

model = dict(
    head=dict(
        contrast_loss=dict(class_averaging=True, class_complement=False)))
