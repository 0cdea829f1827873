# ProCo, ResNet-32, CIFAR-10-LT, imbalance ratio 50 (sh/ProCo_CIFAR.sh
# cifar10 0.02 200).
_base_ = ['./resnet32_cifar10_lt_r100.py']

train_dataloader = dict(dataset=dict(imb_factor=0.02))
