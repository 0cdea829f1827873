# The demo with SCL instead of BCL (SupCon's L_out: no class-averaging, no
# class-complement); everything else as configs/bcl/resnet8_synthetic_lt_demo.py.
# studies/demo_report/run.sh compares it with BCL and LA-CE.
_base_ = ['../resnet8_synthetic_lt_demo.py']

model = dict(
    head=dict(
        contrast_loss=dict(class_averaging=False, class_complement=False)))
