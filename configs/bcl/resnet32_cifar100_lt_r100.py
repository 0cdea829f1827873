# BCL, ResNet-32, CIFAR-100-LT, imbalance ratio 100.
_base_ = [
    '../_base_/models/bcl_resnet32_cifar.py',
    '../_base_/datasets/cifar100_lt_bcl.py',
    '../_base_/schedules/cifar_lt_bcl_200e.py',
    '../_base_/default_runtime.py',
]

# LA tau 1, BCL's own (the authors' loss/logitadjust.py; CUDA_LTR): ConCutMix's
# run_files/cifar100_imb100.sh tunes it to 0.9 for its own method
# (docs/user_guides/recipe_sources.md).
model = dict(head=dict(num_classes=100, loss=dict(tau=1.0)))
train_dataloader = dict(dataset=dict(imb_factor=0.01))
