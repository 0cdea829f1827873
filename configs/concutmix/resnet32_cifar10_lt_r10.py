# BCL + ConCutMix, ResNet-32, CIFAR-10-LT, imbalance ratio 10: as ratio 100
# with the values of run_files/cifar10_imb10.sh (--imb_factor 0.1, --tau 1).
#   python tools/train.py configs/concutmix/resnet32_cifar10_lt_r10.py
_base_ = ['./resnet32_cifar10_lt_r100.py']

model = dict(head=dict(loss=dict(tau=1.0)))
train_dataloader = dict(dataset=dict(dataset=dict(imb_factor=0.1)))
