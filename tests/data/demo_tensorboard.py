# The demo with MMEngine's TensorBoard backend switched on, as a user would.
_base_ = ['../../configs/bcl/resnet8_synthetic_lt_demo.py']

visualizer = dict(vis_backends=[
    dict(type='LocalVisBackend'),
    dict(type='TensorboardVisBackend'),
])
