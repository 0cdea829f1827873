# BCL + ConCutMix, ResNet-32, CIFAR-10-LT, imbalance ratio 50: as ratio 100
# with the values of run_files/cifar10_imb50.sh (--imb_factor 0.02, --tau 0.81).
#   python tools/train.py configs/concutmix/resnet32_cifar10_lt_r50.py
_base_ = ['./resnet32_cifar10_lt_r100.py']

model = dict(head=dict(loss=dict(tau=0.81)))
train_dataloader = dict(dataset=dict(dataset=dict(imb_factor=0.02)))
