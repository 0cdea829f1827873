"""ProCo resumes exactly: its class estimates are checkpointed buffers and
its epoch swap draws from the seed and epoch. (Outside the shared demo
run's worker group: it trains its own run.)"""
import glob
import json
import os
import os.path as osp
import shutil

import torch

from tests.cli import call_tool
from tests.conftest import DEMO_TINY, ROOT
from tests.test_tools.test_reliability import (assert_same_run, losses, resume,
                                               weights)

PROCO_DEMO = osp.join(ROOT, 'configs', 'proco', 'resnet8_synthetic_lt_demo.py')
#: A smaller subset (40 -> 4 a class, 4 iterations an epoch).
PROCO_TINY = ['train_dataloader.dataset.n_max=40',
              'train_dataloader.dataset.imb_factor=0.1']


def test_proco_resume_is_exact(tmp_path, capsys):
    """ProCo's class estimates are checkpointed buffers and its epoch swap
    draws from the seed and epoch: resumed from epoch 2's checkpoint of a
    run (what a run killed after that save leaves), training repeats the
    run's epochs 3 and 4 bit for bit, estimates included."""
    reference = str(tmp_path / 'straight')
    call_tool('tools.train', PROCO_DEMO, '--work-dir', reference,
              '--cfg-options', *DEMO_TINY, *PROCO_TINY)
    work_dir = str(tmp_path / 'resumed')
    shutil.copytree(reference, work_dir)
    for epoch in (3, 4):
        os.remove(osp.join(work_dir, f'epoch_{epoch}.pth'))
    last = osp.join(work_dir, 'epoch_2.pth')
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(last)
    done = torch.load(last, map_location='cpu', weights_only=True)
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        with open(path) as f:  # the log of the first two epochs only
            kept = [line for line in f
                    if json.loads(line).get('step', 0) <= done['meta']['iter']
                    and 'loss' in json.loads(line)]
        with open(path, 'w') as f:
            f.writelines(kept)
    log = resume(PROCO_DEMO, work_dir, capsys, *PROCO_TINY)
    assert 'resumed epoch: 2' in log
    assert len(losses(work_dir)) == len(losses(reference)) > len(kept)
    assert_same_run(work_dir, reference)
    estimate = weights(osp.join(work_dir, 'epoch_4.pth'))[
        'head.contrast_loss.estimate.count']
    assert estimate.sum() > 0  # compared above, and not empty
