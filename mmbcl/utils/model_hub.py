"""Register mmbcl's configs into MMPretrain's model hub."""
import os.path as osp
from typing import Optional, Tuple

PACKAGE = osp.dirname(osp.dirname(osp.abspath(__file__)))


def model_index_path() -> Optional[Tuple[str, str]]:
    """``(model-index.yml, config root)`` of this installation, or None.

    A source checkout or an editable install has them in the repository
    root (looked at first, so a stale build copy never wins); a wheel
    carries them under ``mmbcl/.mim/`` (OpenMMLab's layout, as mmpretrain's
    own package does).
    """
    for root in (osp.dirname(PACKAGE), osp.join(PACKAGE, '.mim')):
        index = osp.join(root, 'model-index.yml')
        if osp.isfile(index) and osp.isdir(osp.join(root, 'configs')):
            return index, root
    return None


def register_models() -> int:
    """Add mmbcl's models to ``mmpretrain.apis.ModelHub``; idempotent.

    Afterwards ``mmpretrain.list_models('bcl_*')`` (and ``'proco_*'``,
    ``'concutmix_*'``)
    lists every mmbcl config by its name in ``configs/*/metafile.yml`` and
    ``mmpretrain.get_model(name)`` builds it.

    Returns:
        int: The number of mmbcl models in the hub.
    """
    from modelindex.load_model_index import load

    from mmpretrain.apis.model import ModelHub
    found = model_index_path()
    if found is None:
        return 0
    index, root = found
    model_index = load(index)
    model_index.build_models_with_collections()
    names = [model.name.lower() for model in model_index.models]
    if not all(ModelHub.has(name) for name in names):
        ModelHub.register_model_index(index, config_prefix=root)
    return len(names)


def register_config_package() -> None:
    """Let configs inherit mmbcl's by ``_base_ = ['mmbcl::bcl/NAME.py']``.

    MMEngine resolves ``package::`` bases only for the packages of its
    ``MODULE2PACKAGE`` table (OpenMMLab's); this adds mmbcl, whose configs
    an installed mmbcl carries under ``mmbcl/.mim/configs``. It takes effect
    where mmbcl is imported before the config is read: mmbcl's tools and
    ``mim`` do that. Elsewhere, name the config by its path.
    """
    from mmengine.config import utils
    utils.MODULE2PACKAGE.setdefault('mmbcl', 'mmbcl')
