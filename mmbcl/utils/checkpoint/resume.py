"""Which checkpoint ``--resume`` takes, and saying why."""
import glob
import os.path as osp
import re
from typing import Optional

from mmengine.logging import print_log

from .safe_load import is_complete_checkpoint

#: Checkpoints MMEngine's ``CheckpointHook`` saves with the optimizer and
#: parameter-scheduler state; ``best_*.pth`` and converted weights lack both.
RESUMABLE_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def is_resumable_checkpoint(path: str) -> bool:
    """Whether ``path`` is a complete ``epoch_N.pth`` / ``iter_N.pth``."""
    return bool(RESUMABLE_NAME.match(
        osp.basename(path))) and is_complete_checkpoint(path)


def _why_not(path: str) -> str:
    if not osp.isfile(path):
        return 'it does not exist'
    if not RESUMABLE_NAME.match(osp.basename(path)):
        return ('it is not an epoch_N.pth / iter_N.pth checkpoint (no '
                'optimizer or scheduler state)')
    return 'it is incomplete (cut off while being written)'


def _pointed(work_dir: str, named: str) -> Optional[str]:
    """The file ``last_checkpoint`` names, found in ``work_dir`` first.

    MMEngine writes an absolute path; in a copied or moved work dir that
    path still leads to the original directory. The file of the same name
    in ``work_dir`` wins, and a pointer that leads elsewhere is logged.
    """
    local = osp.join(work_dir, osp.basename(named))
    if osp.abspath(osp.dirname(named) or work_dir) == osp.abspath(work_dir):
        return local
    if osp.isfile(local):
        print_log(
            f'--resume: last_checkpoint names {named}, outside the work dir '
            f'{work_dir}; resuming from the file of that name inside it, '
            f'{local}', logger='current', level=30)
        return local
    print_log(
        f'--resume: last_checkpoint names {named}, outside the work dir '
        f'{work_dir}, which has no {osp.basename(named)}; that pointer is '
        'not followed', logger='current', level=30)
    return None


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint to resume from: the newest complete resumable one.

    MMEngine's ``last_checkpoint`` pointer is followed when it names a
    complete ``epoch_N.pth`` / ``iter_N.pth`` in ``work_dir`` (a pointer
    into another directory, as in a copied work dir, is resolved by file
    name inside ``work_dir``). When it is missing, empty or names a file
    that cannot be resumed (a job killed while saving), the newest complete
    such file in ``work_dir`` is used instead, and every file passed over
    is logged with the reason. ``best_*.pth`` and any other ``.pth`` never
    qualify: MMEngine saves them without the optimizer and scheduler state,
    and resuming from one would silently restart momentum and the
    learning-rate schedule.

    Returns:
        str | None: A checkpoint path, or None if there is none.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    skipped = set()
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        path = _pointed(work_dir, named) if named else None
        if path is not None and is_resumable_checkpoint(path):
            return path
        if path is not None:
            skipped.add(osp.abspath(path))
            print_log(f'--resume: skipping {path} (named by last_checkpoint)'
                      f': {_why_not(path)}', logger='current', level=30)
    candidates = sorted(
        glob.glob(osp.join(work_dir, '*.pth')), key=osp.getmtime,
        reverse=True)
    for candidate in candidates:
        if is_resumable_checkpoint(candidate):
            return candidate
        if RESUMABLE_NAME.match(osp.basename(candidate)) and osp.abspath(
                candidate) not in skipped:
            print_log(f'--resume: skipping {candidate}: '
                      f'{_why_not(candidate)}', logger='current', level=30)
    return None
