"""Exact resume after a kill, and a kill while a checkpoint is written."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

from mmbcl.utils import is_complete_checkpoint

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')
KILLED = osp.join(ROOT, 'tests', 'data', 'demo_killed.py')
GPU_AUG_DEMO = osp.join(ROOT, 'configs', 'bcl',
                        'resnet8_synthetic_lt_demo_gpu-aug.py')
GPU_AUG_KILLED = osp.join(ROOT, 'tests', 'data', 'demo_gpu-aug_killed.py')
TINY = [
    'train_dataloader.dataset.n_max=150', 'train_dataloader.batch_size=48',
    'val_dataloader.dataset.test_per_class=10', 'train_cfg.max_epochs=4',
    'train_cfg.val_interval=1', 'default_hooks.checkpoint.interval=1',
    'default_hooks.checkpoint.max_keep_ckpts=5',
    'default_hooks.logger.interval=1'
]


def train(config, work_dir, *extra, options=(), expect=0):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
         *extra, '--cfg-options', *TINY, *options],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == expect, log[-3000:]
    return log


def losses(work_dir):
    """Per-iteration losses of every run in ``work_dir``, in order."""
    by_step = {}
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        for line in open(path):
            record = json.loads(line)
            if 'loss' in record:
                by_step[record['step']] = record['loss']
    return [by_step[k] for k in sorted(by_step)]


def weights(path):
    return torch.load(path, map_location='cpu')['state_dict']


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('straight'))
    train(DEMO, work_dir)
    return work_dir


def assert_same_run(work_dir, reference):
    assert losses(work_dir) == losses(reference)
    got = weights(osp.join(work_dir, 'epoch_4.pth'))
    want = weights(osp.join(reference, 'epoch_4.pth'))
    assert got.keys() == want.keys()
    for key in want:  # parameters and BatchNorm statistics, bit for bit
        assert torch.equal(got[key], want[key]), key


def test_resume_after_kill_is_exact(uninterrupted, tmp_path):
    work_dir = str(tmp_path)
    train(KILLED, work_dir, expect=137)  # killed after epoch 2's checkpoint
    assert not osp.exists(osp.join(work_dir, 'epoch_3.pth'))
    log = train(DEMO, work_dir, '--resume')
    assert 'resumed epoch: 2' in log
    assert_same_run(work_dir, uninterrupted)


def test_gpu_aug_resume_after_kill_is_exact(tmp_path):
    """Device-side augmentation draws from the run's seed and iteration:
    a resumed run repeats the uninterrupted one bit for bit."""
    reference = str(tmp_path / 'straight')
    train(GPU_AUG_DEMO, reference)
    work_dir = str(tmp_path / 'resumed')
    train(GPU_AUG_KILLED, work_dir, expect=137)
    log = train(GPU_AUG_DEMO, work_dir, '--resume')
    assert 'resumed epoch: 2' in log
    assert_same_run(work_dir, reference)


def test_kill_mid_save_resumes_from_last_complete(uninterrupted, tmp_path):
    work_dir = str(tmp_path)
    train(KILLED, work_dir, options=['custom_hooks.2.mode=mid_save'],
          expect=137)
    half_written = osp.join(work_dir, 'epoch_2.pth')
    assert osp.exists(half_written) and not is_complete_checkpoint(
        half_written)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_1.pth')
    os.remove(osp.join(work_dir, 'last_checkpoint'))  # even without it
    log = train(DEMO, work_dir, '--resume')
    assert 'resumed epoch: 1' in log
    assert_same_run(work_dir, uninterrupted)
