"""Multi-process soak: 2 gloo ranks train the demo with validation every
epoch, each with its own copy of the weights, and end with equal
parameters; a killed rank ends the job promptly."""
import glob
import json
import os
import os.path as osp
import signal
import socket
import subprocess
import time

import torch

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOAK = osp.join(ROOT, 'tests', 'data', 'demo_soak.py')
EPOCHS = 5
OPTIONS = [
    '--cfg-options', 'train_dataloader.dataset.n_max=150',
    'train_dataloader.batch_size=24', 'train_dataloader.num_workers=0',
    'val_dataloader.dataset.test_per_class=10', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=5'
]


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def launch(work_dir, epochs):
    env = dict(os.environ, PORT=str(free_port()), PYTHONPATH=ROOT,
               OMP_NUM_THREADS='1')
    return subprocess.Popen(
        ['bash', 'tools/dist_train.sh', SOAK, '2', '--work-dir', work_dir,
         *OPTIONS, f'train_cfg.max_epochs={epochs}'],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True)


def test_soak_ranks_agree(tmp_path):
    work_dir = str(tmp_path)
    proc = launch(work_dir, EPOCHS)
    out, _ = proc.communicate(timeout=400)
    assert proc.returncode == 0, out[-3000:]
    metrics = [[json.loads(line) for line in open(
        osp.join(work_dir, f'metrics_rank{rank}.jsonl'))]
        for rank in (0, 1)]
    assert len(metrics[0]) == len(metrics[1]) == EPOCHS  # every epoch
    assert 'shot/top1' in metrics[0][-1]
    # Each rank applies the optimizer to its own copy of the weights: equal
    # parameters after 5 epochs mean the gradients were synchronised every
    # step. BatchNorm statistics are not synchronised (broadcast_buffers is
    # off), so they differ: the two files are really two ranks' work.
    models = [torch.load(osp.join(work_dir, f'model_rank{rank}.pt'))
              for rank in (0, 1)]
    assert models[0]['params'].keys() == models[1]['params'].keys()
    for name, value in models[0]['params'].items():
        assert torch.equal(value, models[1]['params'][name]), name
    assert any(not torch.equal(value, models[1]['buffers'][name])
               for name, value in models[0]['buffers'].items()
               if value.is_floating_point())


def test_killed_rank_ends_the_job(tmp_path):
    work_dir = str(tmp_path)
    proc = launch(work_dir, 50)
    try:
        deadline = time.time() + 200
        while not osp.exists(osp.join(work_dir, 'epoch_1.pth')):
            assert proc.poll() is None and time.time() < deadline
            time.sleep(0.5)
        with open(osp.join(work_dir, 'pid_rank1')) as f:
            os.kill(int(f.read()), signal.SIGKILL)
        killed_at = time.time()
        proc.wait(timeout=90)
        waited = time.time() - killed_at
    finally:
        if proc.poll() is None:  # never leave a hung job behind
            os.killpg(proc.pid, signal.SIGKILL)
    assert proc.returncode != 0
    assert waited < 60, f'job took {waited:.0f} s to stop'
    assert not glob.glob(osp.join(work_dir, f'epoch_{50}.pth'))
