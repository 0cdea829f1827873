"""tools/dist_train.sh and dist_test.sh with 2 CPU processes (gloo) on a
generated ImageNet-LT-format tree: the ranks train one model (equal
weights: gradients synchronised every step), validate the same model
(BatchNorm statistics synchronised by SyncBuffersHook), and the final
validation equals dist_test.sh and tools/test.py on the saved checkpoint."""
import os
import os.path as osp
import socket
import subprocess

import cv2
import numpy as np
import pytest

from tests.cli import subprocess_env

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'tests', 'data', 'tiny_imagenet_lt.py')
RANKS = osp.join(ROOT, 'tests', 'data', 'tiny_imagenet_lt_ranks.py')
COUNTS = [12, 8, 5, 3, 2, 2]


def make_tree(root, size=(40, 48)):
    """JPEGs (``size`` = height, width) under train/ and val/ with
    ImageNet-LT style list files."""
    rng = np.random.RandomState(0)
    lines = {'train': [], 'val': []}
    for split, counts in (('train', COUNTS), ('val', [2] * len(COUNTS))):
        for label, count in enumerate(counts):
            folder = osp.join(root, split, f'n{label:08d}')
            os.makedirs(folder, exist_ok=True)
            for i in range(count):
                img = rng.randint(0, 256, (*size, 3), dtype=np.uint8)
                img[:, :, label % 3] = 40 * label
                name = f'{split}/n{label:08d}/{i}.JPEG'
                cv2.imwrite(osp.join(root, name), img)
                lines[split].append(f'{name} {label}')
    for split, rows in lines.items():
        with open(osp.join(root, f'ImageNet_LT_{split}.txt'), 'w') as f:
            f.write('\n'.join(rows) + '\n')


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(script, *args):
    env = subprocess_env(PORT=str(free_port()), OMP_NUM_THREADS='1')
    proc = subprocess.run(['bash', osp.join(ROOT, 'tools', script), *args],
                          cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('imagenet_lt'))
    make_tree(root)
    return root


def options(root):
    return [
        '--cfg-options', f'train_dataloader.dataset.data_root={root}',
        f'val_dataloader.dataset.data_root={root}',
        f'test_dataloader.dataset.data_root={root}',
        'test_dataloader.dataset.ann_file=ImageNet_LT_val.txt'
    ]


def test_dist_train_then_dist_test(data_root, tmp_path):
    import json

    import torch

    from tests.cli import call_tool
    work_dir = str(tmp_path / 'work')
    log = launch('dist_train.sh', RANKS, '2', '--work-dir', work_dir,
                 *options(data_root))
    assert 'Distributed launcher: pytorch' in log
    assert 'Distributed training: True' in log and 'GPU number: 2' in log
    assert 'ClassCountsHook: 6 classes, 32 training images' in log
    assert 'loss_bcl' in log
    checkpoint = osp.join(work_dir, 'epoch_2.pth')
    assert osp.isfile(checkpoint)

    # Each rank applies the optimizer to its own copy of the weights: equal
    # parameters mean the gradients were synchronised every step; equal
    # BatchNorm statistics, that SyncBuffersHook averaged them.
    models = [torch.load(osp.join(work_dir, f'model_rank{rank}.pt'),
                         weights_only=True) for rank in (0, 1)]
    pids = [open(osp.join(work_dir, f'pid_rank{r}')).read() for r in (0, 1)]
    assert pids[0] != pids[1]  # two processes' work
    for kind in ('params', 'buffers'):
        assert models[0][kind].keys() == models[1][kind].keys()
        for name, value in models[0][kind].items():
            assert torch.equal(value, models[1][kind][name]), name
    metrics = [[json.loads(line) for line in open(
        osp.join(work_dir, f'metrics_rank{rank}.jsonl'))] for rank in (0, 1)]
    assert len(metrics[0]) == len(metrics[1]) == 2  # every epoch
    final = metrics[0][-1]
    assert final == metrics[1][-1]

    # The saved model is the validated one: dist_test.sh and tools/test.py
    # on the checkpoint print the final validation's numbers.
    log = launch('dist_test.sh', CONFIG, checkpoint, '2', '--work-dir',
                 str(tmp_path / 'test'), *options(data_root))
    assert f"shot/top1: {final['shot/top1']:.4f}" in log, (final, log[-2000:])
    single = call_tool('tools.test', CONFIG, checkpoint, '--work-dir',
                       str(tmp_path / 'single'), *options(data_root))
    for key, value in final.items():
        assert single[key] == value, key


def test_slurm_scripts_call_srun(tmp_path):
    """The slurm launchers hand the job to srun with one task per GPU."""
    fake = tmp_path / 'srun'
    fake.write_text('#!/bin/sh\necho "srun $@"\n')
    fake.chmod(0o755)
    env = dict(os.environ, PATH=f'{tmp_path}:{os.environ["PATH"]}',
               GPUS='16', GPUS_PER_NODE='8')
    for script, args in (('slurm_train.sh', ['cfg.py', 'work']),
                         ('slurm_test.sh', ['cfg.py', 'ckpt.pth'])):
        out = subprocess.run(
            ['bash', osp.join(ROOT, 'tools', script), 'part', 'job', *args,
             '--cfg-options', 'a=1'],
            env=env, capture_output=True, text=True, check=True).stdout
        assert '-p part' in out and '--ntasks=16' in out
        assert '--ntasks-per-node=8' in out and '--launcher=slurm' in out
        assert '--cfg-options a=1' in out


def test_first_ddp_run_on_cifar_that_rank_0_fetches(tmp_path):
    """A CIFAR-LT config's first 2-process run on an empty ``data_root``:
    rank 0 fetches the data (here a local copy), rank 1 waits for it, and
    both train."""
    from tests.data.local_cifar import write_archive
    archive = write_archive(str(tmp_path / 'cifar-10-python.tar.gz'))
    root = tmp_path / 'data' / 'cifar10'
    env = subprocess_env(PORT=str(free_port()), OMP_NUM_THREADS='1',
                         LOCAL_CIFAR_ARCHIVE=f'file://{archive}')
    proc = subprocess.run(
        ['bash', osp.join(ROOT, 'tools', 'dist_train.sh'),
         osp.join(ROOT, 'tests', 'data', 'local_cifar10_lt.py'), '2',
         '--work-dir', str(tmp_path / 'work'), '--no-validate',
         '--cfg-options', f'train_dataloader.dataset.data_root={root}',
         f'test_dataloader.dataset.data_root={root}'],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    log = proc.stdout + proc.stderr
    assert proc.returncode == 0, log[-3000:]
    assert log.count('downloading file://') == 1  # rank 0 alone
    assert 'Epoch(train) [1]' in log and 'loss_bcl' in log
    assert osp.isfile(tmp_path / 'work' / 'epoch_1.pth')
