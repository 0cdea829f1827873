# BCL, ResNet-32, CIFAR-10-LT, imbalance ratio 50.
_base_ = ['./resnet32_cifar10_lt_r100.py']

train_dataloader = dict(dataset=dict(imb_factor=0.02))
# LA tau: ConCutMix run_files/cifar10_imb50.sh, --tau 0.81.
model = dict(head=dict(loss=dict(tau=0.81)))
