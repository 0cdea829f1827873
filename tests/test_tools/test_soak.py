"""A killed rank ends a 2-process job promptly instead of hanging it.

(That the ranks train one model and validate the saved one is tested by
tests/test_tools/test_dist.py.)"""
import glob
import os
import os.path as osp
import signal
import socket
import subprocess
import time

from tests.cli import subprocess_env

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOAK = osp.join(ROOT, 'tests', 'data', 'demo_soak.py')
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
    env = subprocess_env(PORT=str(free_port()), OMP_NUM_THREADS='1')
    return subprocess.Popen(
        ['bash', 'tools/dist_train.sh', SOAK, '2', '--work-dir', work_dir,
         *OPTIONS, f'train_cfg.max_epochs={epochs}'],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        text=True, start_new_session=True)


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
