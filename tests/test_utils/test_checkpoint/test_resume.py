import os
import time

import mmbcl  # noqa: F401
from mmbcl.utils.checkpoint import find_resume_checkpoint

from .planted import save


def test_resume_never_picks_a_best_checkpoint(tmp_path):
    """``best_*.pth`` has no optimizer / scheduler state: never resume it,
    even when it is the newest file or ``last_checkpoint`` names it."""
    epoch = save(tmp_path / 'epoch_2.pth', optimizer={}, param_schedulers=[])
    time.sleep(0.01)
    best = save(tmp_path / 'best_shot_top1_epoch_2.pth')
    save(tmp_path / 'converted.pth')
    os.utime(epoch, (1, 1))  # the oldest file
    assert find_resume_checkpoint(str(tmp_path)) == epoch
    (tmp_path / 'last_checkpoint').write_text(best)
    assert find_resume_checkpoint(str(tmp_path)) == epoch
    it = save(tmp_path / 'iter_300.pth', optimizer={})
    (tmp_path / 'last_checkpoint').write_text(it)
    assert find_resume_checkpoint(str(tmp_path)) == it


def test_resume_finds_nothing_without_resumable_files(tmp_path):
    save(tmp_path / 'best_shot_top1_epoch_4.pth')
    assert find_resume_checkpoint(str(tmp_path)) is None
