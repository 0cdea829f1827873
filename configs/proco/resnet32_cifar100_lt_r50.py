# ProCo, ResNet-32, CIFAR-100-LT, imbalance ratio 50 (sh/ProCo_CIFAR.sh
# cifar100 0.02 200).
_base_ = ['./resnet32_cifar100_lt_r100.py']

train_dataloader = dict(dataset=dict(imb_factor=0.02))
