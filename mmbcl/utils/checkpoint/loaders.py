"""MMEngine's checkpoint loading, through mmbcl's check and safe load.

MMEngine loads every checkpoint (``load_from``, ``resume``, a backbone's
``init_cfg``, MMPretrain's ``init_model`` and inferencers) through
``CheckpointLoader``, whose loaders call ``torch.load`` without
``weights_only``: under ``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1`` (which users
set to load older MMEngine checkpoints) they unpickle anything.
:func:`install_safe_checkpoint_loaders` (run by ``import mmbcl``) replaces
each scheme's loader with one that fetches the file, scans it and loads it
with ``weights_only=True``
(:func:`mmbcl.utils.checkpoint.load_checkpoint_file`).
"""
import os
import os.path as osp
import tempfile
from urllib.parse import urlparse

import torch
from mmengine.dist import get_dist_info
from mmengine.fileio import get_file_backend
from mmengine.runner import checkpoint as mmengine_checkpoint
from mmengine.runner.checkpoint import CheckpointLoader

from .safe_load import CheckpointError, load_checkpoint_file


def load_from_local(filename: str, map_location=None):
    """A local file, checked and loaded with ``weights_only=True``."""
    return load_checkpoint_file(osp.expanduser(filename), map_location,
                                source=filename)


def download(url: str, model_dir=None) -> str:
    """Download ``url`` into torch's hub cache (once, by local rank 0 first
    under DDP); returns the local file."""
    model_dir = model_dir or osp.join(torch.hub.get_dir(), 'checkpoints')
    os.makedirs(model_dir, exist_ok=True)
    cached = osp.join(model_dir, osp.basename(urlparse(url).path))
    rank, world_size = get_dist_info()
    # rank 0 first, then the others (another node may need its own copy);
    # the download writes a temporary file and renames it: never half a file
    if rank == 0 and not osp.isfile(cached):
        torch.hub.download_url_to_file(url, cached, progress=False)
    if world_size > 1:
        torch.distributed.barrier()
        if not osp.isfile(cached):
            torch.hub.download_url_to_file(url, cached, progress=False)
    return cached


def load_from_url(url: str, map_location=None, model_dir=None, **kwargs):
    """An ``http(s)://`` checkpoint: downloaded, checked, loaded."""
    cached = download(url, model_dir)
    return load_checkpoint_file(cached, map_location,
                                source=f'{url} (downloaded to {cached})')


def load_from_model_zoo(filename: str, map_location=None):
    """``torchvision://``, ``open-mmlab://`` and ``mmcls://`` names, resolved
    with MMEngine's tables, then loaded as a URL or a local file."""
    scheme, name = filename.split('://', 1)
    if scheme in ('torchvision', 'modelzoo'):
        target = mmengine_checkpoint.get_torchvision_models()[name]
    elif scheme == 'mmcls':
        target = mmengine_checkpoint.get_mmcls_models()[name]
    else:
        name = mmengine_checkpoint.get_deprecated_model_names().get(
            name, name)
        target = mmengine_checkpoint.get_external_models()[name]
    if target.startswith(('http://', 'https://')):
        checkpoint = load_from_url(target, map_location)
    else:
        checkpoint = load_from_local(
            osp.join(mmengine_checkpoint._get_mmengine_home(), target),
            map_location)
    if scheme == 'mmcls':
        checkpoint = mmengine_checkpoint._process_mmcls_checkpoint(
            checkpoint)
    return checkpoint


def load_from_object_store(filename: str, map_location=None):
    """An ``s3://`` / ``petrel://`` checkpoint, fetched into a temporary
    file, checked and loaded."""
    data = get_file_backend(
        filename, backend_args=dict(backend='petrel')).get(filename)
    with tempfile.TemporaryDirectory() as tmp:
        path = osp.join(tmp, osp.basename(filename))
        with open(path, 'wb') as f:
            f.write(data)
        return load_checkpoint_file(path, map_location, source=filename)


def load_from_unchecked(filename: str, map_location=None):
    """Schemes whose files mmbcl cannot check before loading."""
    raise CheckpointError(
        f'{filename}: mmbcl cannot check a checkpoint of this scheme before '
        'loading it; download the file and give its local path')


LOADERS = {
    '': load_from_local,
    ('http://', 'https://'): load_from_url,
    ('modelzoo://', 'torchvision://', 'open-mmlab://', 'openmmlab://',
     'mmcls://'): load_from_model_zoo,
    (r'(\S+\:)?s3://', r'(\S+\:)?petrel://'): load_from_object_store,
    'pavi://': load_from_unchecked,
}


def install_safe_checkpoint_loaders() -> None:
    """Route every MMEngine checkpoint scheme through mmbcl's check and
    ``weights_only=True`` load; idempotent."""
    for prefixes, loader in LOADERS.items():
        CheckpointLoader.register_scheme(prefixes, loader, force=True)
    unknown = set(CheckpointLoader._schemes) - {
        p for prefixes in LOADERS for p in
        ((prefixes, ) if isinstance(prefixes, str) else prefixes)}
    for prefix in unknown:  # a scheme registered by another package
        CheckpointLoader.register_scheme(prefix, load_from_unchecked,
                                         force=True)
