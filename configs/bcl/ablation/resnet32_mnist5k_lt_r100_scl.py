# MNIST5kLT, rho = 100: SCL (SupCon's L_out: no class-averaging, no
# class-complement) instead of BCL; everything else as
# configs/bcl/resnet32_mnist5k_lt_r100.py.
_base_ = ['../resnet32_mnist5k_lt_r100.py']

model = dict(
    head=dict(
        contrast_loss=dict(class_averaging=False, class_complement=False)))
