# ProCo on MNIST5kLT, rho = 100: configs/bcl/resnet32_mnist5k_lt_r100.py
# (the report's protocol: data, views, classifier, schedule) with ProCo's
# loss as its CIFAR code sets it: LA-CE + 1.0 x ProCo, temperature 0.1.
# studies/mnist5k/run.sh compares it with LA-CE and BCL.
#   python tools/train.py configs/proco/resnet32_mnist5k_lt_r100.py
_base_ = ['../bcl/resnet32_mnist5k_lt_r100.py']

model = dict(
    head=dict(
        loss=dict(loss_weight=1.0),
        contrast_loss=dict(
            _delete_=True, type='ProCoLoss', temperature=0.1,
            loss_weight=1.0)))
