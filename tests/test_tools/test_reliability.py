"""Exact resume after a kill, a kill while a checkpoint is written, and
what ``--resume`` says it does.

The killed runs are real processes, killed the way a cluster kills them
(``os._exit``); the three of them start together. The resumes and the
uninterrupted references run in-process (``tools/train.py``'s ``main``);
the CPU demo's reference is the session's shared demo run.
"""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

from mmbcl.utils import is_complete_checkpoint
from tests.cli import call_tool, subprocess_env
from tests.conftest import DEMO, DEMO_TINY, ROOT

# the session's shared demo run is trained once, in one xdist worker
pytestmark = pytest.mark.xdist_group('demo_run')

KILLED = osp.join(ROOT, 'tests', 'data', 'demo_killed.py')
GPU_AUG_DEMO = osp.join(ROOT, 'configs', 'bcl',
                        'resnet8_synthetic_lt_demo_gpu-aug.py')
GPU_AUG_KILLED = osp.join(ROOT, 'tests', 'data', 'demo_gpu-aug_killed.py')


def start(config, work_dir, *options):
    """``tools/train.py`` in its own process (killed by its config)."""
    env = subprocess_env()
    return subprocess.Popen(
        [sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
         '--cfg-options', *DEMO_TINY, *options], cwd=ROOT, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)


@pytest.fixture(scope='module')
def killed(tmp_path_factory):
    """The three killed runs, started together: after epoch 2's
    checkpoint (CPU demo, gpu-aug demo) and half-way through writing it."""
    runs = dict(
        after_save=(KILLED, []),
        mid_save=(KILLED, ['custom_hooks.2.mode=mid_save']),
        gpu_aug=(GPU_AUG_KILLED, []))
    dirs = {name: str(tmp_path_factory.mktemp(name)) for name in runs}
    procs = {name: start(config, dirs[name], *options)
             for name, (config, options) in runs.items()}
    for name, proc in procs.items():
        out, _ = proc.communicate(timeout=300)
        assert proc.returncode == 137, f'{name}:\n{out[-3000:]}'
        with open(osp.join(dirs[name], 'output.txt'), 'w') as f:
            f.write(out)
    return dirs


def test_a_demo_run_prints_no_python_warning(killed):
    """Two epochs of the demo (a dataloader worker each, colour jitter with
    hue, checkpoints, validation) print no Python warning: the ones the
    stack mmbcl installs prints are silenced at their source
    (:mod:`mmbcl.utils.known_warnings`), and mmbcl causes none."""
    import re
    with open(osp.join(killed['after_save'], 'output.txt')) as f:
        out = f.read()
    assert 'Saving checkpoint at 2 epochs' in out  # two epochs ran
    assert 'Epoch(val) [1]' in out
    warned = re.findall(r'^.*\w+Warning: .*$', out, flags=re.M)
    assert not warned, warned
    assert 'The prefix is not set' not in out


def fresh_logger(name):
    """An MMLogger writing to this test's captured output (what tools log
    before their runner exists goes to the current one)."""
    from mmengine.logging import MMLogger
    return MMLogger.get_instance(f'{name}_{os.urandom(4).hex()}')


def resume(config, work_dir, capsys, *options, tiny=DEMO_TINY):
    """``tools/train.py CONFIG --resume`` in-process (with ``tiny``, the
    demo's shrinking options, then ``options``); what it logged."""
    fresh_logger('resume')
    call_tool('tools.train', config, '--work-dir', work_dir, '--resume',
              '--cfg-options', *tiny, *options)
    captured = capsys.readouterr()
    return captured.out + captured.err


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
    return torch.load(path, map_location='cpu',
                      weights_only=True)['state_dict']


def assert_same_run(work_dir, reference):
    assert losses(work_dir) == losses(reference)
    got = weights(osp.join(work_dir, 'epoch_4.pth'))
    want = weights(osp.join(reference, 'epoch_4.pth'))
    assert got.keys() == want.keys()
    for key in want:  # parameters and BatchNorm statistics, bit for bit
        assert torch.equal(got[key], want[key]), key


def test_resume_after_kill_is_exact(killed, demo_run, capsys):
    work_dir = killed['after_save']
    assert not osp.exists(osp.join(work_dir, 'epoch_3.pth'))
    log = resume(DEMO, work_dir, capsys)
    assert 'resumed epoch: 2' in log
    assert_same_run(work_dir, demo_run[0])


def test_kill_mid_save_resumes_from_last_complete(killed, demo_run, capsys):
    work_dir = killed['mid_save']
    half_written = osp.join(work_dir, 'epoch_2.pth')
    assert osp.exists(half_written) and not is_complete_checkpoint(
        half_written)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        assert f.read().strip().endswith('epoch_1.pth')
    os.remove(osp.join(work_dir, 'last_checkpoint'))  # even without it
    log = resume(DEMO, work_dir, capsys)
    assert 'resumed epoch: 1' in log
    # the file passed over is named, with the reason
    assert f'skipping {half_written}: it is incomplete' in log
    assert_same_run(work_dir, demo_run[0])


def test_gpu_aug_resume_after_kill_is_exact(killed, tmp_path, capsys):
    """Device-side augmentation draws from the run's seed and iteration:
    a resumed run repeats the uninterrupted one bit for bit."""
    reference = str(tmp_path / 'straight')
    call_tool('tools.train', GPU_AUG_DEMO, '--work-dir', reference,
              '--cfg-options', *DEMO_TINY)
    work_dir = killed['gpu_aug']
    log = resume(GPU_AUG_DEMO, work_dir, capsys)
    assert 'resumed epoch: 2' in log
    assert_same_run(work_dir, reference)


def test_resume_in_a_copied_work_dir_stays_there(demo_run, tmp_path,
                                                 capsys):
    """MMEngine's last_checkpoint holds an absolute path: in a copy of the
    work dir it leads back to the original. --resume takes the file of
    that name in the given work dir, and says so."""
    original, _ = demo_run
    copy = str(tmp_path / 'copy')
    shutil.copytree(original, copy)
    with open(osp.join(copy, 'last_checkpoint')) as f:
        assert osp.dirname(f.read().strip()) == original
    from mmbcl.utils import find_resume_checkpoint
    fresh_logger('copied')
    chosen = find_resume_checkpoint(copy)
    assert chosen == osp.join(copy, 'epoch_4.pth')
    log = capsys.readouterr()
    assert 'outside the work dir' in log.out + log.err
    assert f'resuming from the file of that name inside it, {chosen}' in \
        log.out + log.err
