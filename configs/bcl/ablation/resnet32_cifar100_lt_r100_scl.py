# Ablation (CIFAR-100-LT, rho = 100): SCL, i.e. supervised contrastive
# learning (SupCon's L_out, Khosla et al. 2020) in BCL's two-branch
# framework: no class-averaging, no class-complement (no prototype MLP).
# BCL itself is configs/bcl/resnet32_cifar100_lt_r100.py.
_base_ = ['../resnet32_cifar100_lt_r100.py']

model = dict(
    head=dict(
        contrast_loss=dict(class_averaging=False, class_complement=False)))
