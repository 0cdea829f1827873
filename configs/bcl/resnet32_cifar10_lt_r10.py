# BCL, ResNet-32, CIFAR-10-LT, imbalance ratio 10.
_base_ = ['./resnet32_cifar10_lt_r100.py']

train_dataloader = dict(dataset=dict(imb_factor=0.1))
# LA tau: ConCutMix run_files/cifar10_imb10.sh, --tau 1.
model = dict(head=dict(loss=dict(tau=1.0)))
