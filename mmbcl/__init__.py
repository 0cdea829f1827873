"""mmbcl: Balanced Contrastive Learning for long-tailed recognition.

Importing this package (``custom_imports=dict(imports=['mmbcl'])``)
registers every component into MMPretrain's registries, so configs use
plain type names such as ``type='BCLHead'``, and mmbcl's configs into
MMPretrain's model hub (``mmpretrain.list_models('*bcl*')``).
"""
from .utils.mmcv_compat import require_mmcv

require_mmcv()

# The imports below register components; order does not matter.
from . import datasets, engine, evaluation, models  # noqa: E402,F401
from .utils import allow_mmengine_checkpoint_globals, fix_mmcv_adjust_hue  # noqa: E402,E501
from .utils.model_hub import register_models  # noqa: E402
from .version import __version__  # noqa: E402

allow_mmengine_checkpoint_globals()
fix_mmcv_adjust_hue()
register_models()

__all__ = ['__version__']
