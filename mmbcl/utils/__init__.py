from .checkpoint import (MMENGINE_CHECKPOINT_GLOBALS,
                         allow_mmengine_checkpoint_globals, check_checkpoint,
                         find_resume_checkpoint, is_complete_checkpoint,
                         is_resumable_checkpoint)
from .config import hold_global_batch, launched_world_size, load_config
from .dist_utils import setup_cpu_distributed, teardown_distributed
from .mmcv_compat import adjust_hue, fix_mmcv_adjust_hue, require_mmcv

__all__ = [
    'MMENGINE_CHECKPOINT_GLOBALS', 'allow_mmengine_checkpoint_globals',
    'check_checkpoint', 'find_resume_checkpoint', 'is_complete_checkpoint',
    'is_resumable_checkpoint',
    'hold_global_batch', 'launched_world_size', 'load_config',
    'setup_cpu_distributed', 'teardown_distributed',
    'adjust_hue', 'fix_mmcv_adjust_hue', 'require_mmcv'
]
