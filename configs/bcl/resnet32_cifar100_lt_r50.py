# BCL, ResNet-32, CIFAR-100-LT, imbalance ratio 50.
_base_ = ['./resnet32_cifar100_lt_r100.py']

train_dataloader = dict(dataset=dict(imb_factor=0.02))
# LA tau 1, BCL's own (the authors' loss/logitadjust.py; CUDA_LTR): ConCutMix's
# run_files/cifar100_imb50.sh tunes it to 0.75 for its own method
# (docs/user_guides/recipe_sources.md).
model = dict(head=dict(loss=dict(tau=1.0)))
