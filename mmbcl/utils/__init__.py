from ..errors import ConfigError
from .checkpoint import (MMENGINE_CHECKPOINT_GLOBALS, CheckpointError,
                         allow_mmengine_checkpoint_globals, check_checkpoint,
                         find_resume_checkpoint,
                         install_safe_checkpoint_loaders,
                         is_complete_checkpoint, is_resumable_checkpoint,
                         load_checkpoint_file)
from .config import load_config
from .dist_utils import (end_launched_process, launched_rank,
                         launched_world_size, setup_cpu_distributed,
                         teardown_distributed)
from .global_batch import hold_global_batch
from .mmcv_compat import adjust_hue, fix_mmcv_adjust_hue, require_mmcv

__all__ = [
    'MMENGINE_CHECKPOINT_GLOBALS', 'CheckpointError',
    'allow_mmengine_checkpoint_globals', 'check_checkpoint',
    'is_complete_checkpoint', 'load_checkpoint_file',
    'install_safe_checkpoint_loaders', 'find_resume_checkpoint',
    'is_resumable_checkpoint', 'ConfigError', 'hold_global_batch',
    'launched_world_size', 'launched_rank',
    'load_config', 'setup_cpu_distributed', 'teardown_distributed',
    'end_launched_process',
    'adjust_hue', 'fix_mmcv_adjust_hue', 'require_mmcv'
]
