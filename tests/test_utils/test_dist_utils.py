"""How a launched process ends: only one whose process group was torn
down leaves at once, and only after flushing."""
import subprocess
import sys

from mmbcl.utils import dist_utils

SCRIPT = '''
import atexit, os, socket, sys
import torch.distributed as dist
from mmbcl.utils import dist_utils
with socket.socket() as s:
    s.bind(('127.0.0.1', 0))
    port = s.getsockname()[1]
os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
dist.init_process_group('gloo', rank=0, world_size=1)
atexit.register(lambda: print('interpreter shutdown ran'))
dist_utils.teardown_distributed()
print('results written', end='')  # no newline: flushed by the exit itself
dist_utils.end_launched_process()
print('never reached')
'''


def test_a_process_without_a_group_is_left_alone():
    assert not dist_utils._TORN_DOWN
    dist_utils.end_launched_process()  # returns: tools called in-process


def test_after_teardown_the_process_flushes_and_exits_zero():
    proc = subprocess.run([sys.executable, '-c', SCRIPT],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout == 'results written'
