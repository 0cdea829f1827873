"""ProCo resumes exactly: its class estimates are checkpointed buffers and
its epoch swap draws from the seed and epoch. (Outside the shared demo
run's worker group: it trains its own run.)"""
import os.path as osp

from tests.conftest import DEMO_TINY, ROOT
from tests.test_tools.resume_from_copy import resume_matches_the_straight_run

PROCO_DEMO = osp.join(ROOT, 'configs', 'proco', 'resnet8_synthetic_lt_demo.py')
#: A smaller subset (40 -> 4 a class, 4 iterations an epoch).
PROCO_TINY = ['train_dataloader.dataset.n_max=40',
              'train_dataloader.dataset.imb_factor=0.1',
              # the loading in the main process, a validation every other
              # epoch
              'train_dataloader.num_workers=0', 'train_cfg.val_interval=2']


def test_proco_resume_is_exact(tmp_path, capsys):
    """ProCo's class estimates are checkpointed buffers and its epoch swap
    draws from the seed and epoch: resumed from epoch 2's checkpoint of a
    run (what a run killed after that save leaves), training repeats the
    run's epochs 3 and 4 bit for bit, estimates included."""
    state = resume_matches_the_straight_run(
        PROCO_DEMO, DEMO_TINY + PROCO_TINY, tmp_path, capsys)
    # compared above, and not empty
    assert state['head.contrast_loss.estimate.count'].sum() > 0
