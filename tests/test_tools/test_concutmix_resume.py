"""ConCutMix resumes exactly, across its warm-up: the paste draws come from
the seed and epoch, and the switch to the rectified label follows the
runner's epoch. (Outside the shared demo run's worker group: it trains its
own run.)"""
import os.path as osp

from mmengine.logging import MessageHub

from tests.conftest import DEMO_TINY, ROOT
from tests.test_configs import wrapped_options
from tests.test_tools.resume_from_copy import resume_matches_the_straight_run

CONCUTMIX_DEMO = osp.join(ROOT, 'configs', 'concutmix',
                          'resnet8_synthetic_lt_demo.py')
#: 40 -> 4 a class, 4 iterations an epoch; the area label in epochs 1-3,
#: the rectified one in epoch 4; every batch pasted.
CONCUTMIX_TINY = [
    'train_dataloader.dataset.dataset.n_max=40',
    'train_dataloader.dataset.dataset.imb_factor=0.1',
    'model.head.mix_label.warmup_epochs=3',
    'train_dataloader.sampler.cutmix_prob=1.0',
    # the loading in the main process, a validation every other epoch
    'train_dataloader.num_workers=0', 'train_cfg.val_interval=2',
]


def test_concutmix_resume_is_exact_across_the_warm_up(tmp_path, capsys):
    """Resumed from epoch 2's checkpoint of a run (what a run killed after
    that save leaves), training repeats the run's epoch 3 (area label) and
    epoch 4 (rectified label) bit for bit."""
    from mmengine.config import Config
    tiny = wrapped_options(Config.fromfile(CONCUTMIX_DEMO), DEMO_TINY)
    resume_matches_the_straight_run(CONCUTMIX_DEMO, tiny + CONCUTMIX_TINY,
                                    tmp_path, capsys)
    assert MessageHub.get_current_instance().get_info('epoch') == 3
