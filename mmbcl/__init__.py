# isort: skip_file
"""mmbcl: Balanced Contrastive Learning for long-tailed recognition.

Importing this package (``custom_imports=dict(imports=['mmbcl'])``)
registers every component into MMPretrain's registries, so configs use
plain type names such as ``type='BCLHead'``, and mmbcl's configs into
MMPretrain's model hub (``mmpretrain.list_models('bcl_*')``, and
``'proco_*'``). It also
routes MMEngine's checkpoint loading through mmbcl's check and
``weights_only=True`` load (see :mod:`mmbcl.utils.checkpoint`).
"""
import torch

from .version import TORCH_MINIMUM, __version__

if torch.__version__ < TORCH_MINIMUM:
    raise ImportError(
        f'mmbcl needs torch >= {TORCH_MINIMUM}, but torch '
        f'{torch.__version__} is installed; install a newer torch with its '
        f'matching torchvision (pip install "torch>={TORCH_MINIMUM}")')

from .utils.known_warnings import silence_known_warnings  # noqa: E402
from .utils.mmcv_compat import require_mmcv  # noqa: E402

silence_known_warnings()
require_mmcv()

# The imports below register components; order does not matter.
from . import datasets, engine, evaluation  # noqa: E402,F401
from . import models, structures  # noqa: E402,F401
from .utils import (allow_mmengine_checkpoint_globals,  # noqa: E402,E501
                    fix_mmcv_adjust_hue, install_safe_checkpoint_loaders)
from .utils.model_hub import (register_config_package,  # noqa: E402
                              register_models)

allow_mmengine_checkpoint_globals()
install_safe_checkpoint_loaders()
fix_mmcv_adjust_hue()
register_models()
register_config_package()

__all__ = ['__version__', 'TORCH_MINIMUM']
