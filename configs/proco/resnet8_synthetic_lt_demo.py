# The embedded demo (configs/bcl/resnet8_synthetic_lt_demo.py) with ProCo's
# loss in place of BCL's: LA-CE + 1.0 x ProCo, temperature 0.1, the values
# of ProCo's CIFAR code. A few minutes on 2 CPU cores.
#   python tools/train.py configs/proco/resnet8_synthetic_lt_demo.py
_base_ = ['../bcl/resnet8_synthetic_lt_demo.py']

model = dict(
    head=dict(
        loss=dict(loss_weight=1.0),
        contrast_loss=dict(
            _delete_=True, type='ProCoLoss', temperature=0.1,
            loss_weight=1.0)))
