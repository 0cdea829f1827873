"""Checkpoint safety in one place.

* :mod:`.pickle_scan` reads which globals a pickle names, without running it;
* :mod:`.safe_load` checks a checkpoint, then loads it with
  ``weights_only=True`` and exactly the globals MMEngine's checkpoints need;
* :mod:`.loaders` routes MMEngine's own loaders (``load_from``, ``resume``,
  a backbone's ``init_cfg``) through that check;
* :mod:`.resume` picks the checkpoint ``--resume`` continues from.
"""
from .loaders import install_safe_checkpoint_loaders
from .resume import (RESUMABLE_NAME, find_resume_checkpoint,
                     is_resumable_checkpoint)
from .safe_load import (MMENGINE_CHECKPOINT_GLOBALS, CheckpointError,
                        MissingCheckpointError,
                        allow_mmengine_checkpoint_globals, check_checkpoint,
                        is_complete_checkpoint, load_checkpoint_file)

__all__ = [
    'install_safe_checkpoint_loaders', 'RESUMABLE_NAME',
    'find_resume_checkpoint', 'is_resumable_checkpoint',
    'MMENGINE_CHECKPOINT_GLOBALS', 'CheckpointError', 'MissingCheckpointError',
    'allow_mmengine_checkpoint_globals', 'check_checkpoint',
    'is_complete_checkpoint', 'load_checkpoint_file'
]
