# ProCo, ResNet-32, CIFAR-10-LT, imbalance ratio 100 (sh/ProCo_CIFAR.sh
# cifar10 0.01 200): the CIFAR-100 recipe on CIFAR-10's data.
_base_ = ['./resnet32_cifar100_lt_r100.py']

model = dict(head=dict(num_classes=10))
data_preprocessor = dict(num_classes=10)
train_dataloader = dict(
    dataset=dict(type='CIFAR10LT', data_root='data/cifar10'))
val_dataloader = dict(dataset=dict(type='CIFAR10', data_root='data/cifar10'))
test_dataloader = val_dataloader
