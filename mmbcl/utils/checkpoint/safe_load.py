"""Checkpoints are checked, then loaded with ``weights_only=True``.

mmbcl's rule, in one place: **every checkpoint that mmbcl or its entry
points load is first scanned without unpickling** (:func:`check_checkpoint`:
the file must be a whole ``torch.save`` file, zip or legacy format, and
reference no Python global beyond what torch's ``weights_only`` loader
allows plus :data:`MMENGINE_CHECKPOINT_GLOBALS`), **then loaded with an
explicit** ``torch.load(..., weights_only=True)``
(:func:`load_checkpoint_file`).
An explicit ``weights_only=True`` is kept even under
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``. ``import mmbcl`` routes MMEngine's
checkpoint loading through it (:mod:`mmbcl.utils.checkpoint.loaders`):
``--resume``, ``load_from`` (paths and URLs), a config's ``resume=True``,
``tools/test.py``, ``init_model`` and ``ImageClassificationInferencer``.
Results files (``tools/test.py --out``) are read by a restricted unpickler
(:func:`mmbcl.evaluation.load_lt_results`).

MMEngine 0.10.x checkpoints carry a few globals of their own: the message
hub's ``HistoryBuffer`` (which pickles its statistics methods through
``getattr``) and the numpy arrays, scalars and dtypes it holds.
:func:`allow_mmengine_checkpoint_globals` allowlists exactly these.
"""
import os.path as osp
import zipfile
from typing import Set

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

from .pickle_scan import LEGACY_TORCH_MAGIC, torch_file_globals

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct, scalar
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct, scalar

BUILTIN_STATISTICS = frozenset(('min', 'max', 'current', 'mean'))


class CheckpointError(ValueError):
    """A file mmbcl will not load as a checkpoint; the message says why."""


class MissingCheckpointError(CheckpointError, FileNotFoundError):
    """A checkpoint path that does not exist."""


def history_buffer_getattr(obj, name: str):
    """``getattr`` limited to ``HistoryBuffer``'s statistics methods.

    A pickled ``HistoryBuffer`` references its statistics methods (``min``,
    ``max``, ``current``, ``mean`` and any registered with
    ``HistoryBuffer.register_statistics``) as ``getattr(HistoryBuffer,
    name)``. Allowing the real ``builtins.getattr`` would let a checkpoint
    reach any attribute of any allowed object; this stand-in, registered
    under that name, resolves only those methods and refuses the rest.
    """
    import pickle
    allowed = BUILTIN_STATISTICS.union(HistoryBuffer._statistics_methods)
    if obj is HistoryBuffer and name in allowed:
        return getattr(obj, name)
    raise pickle.UnpicklingError(
        f'refusing getattr({obj!r}, {name!r}) while loading a checkpoint: '
        'only HistoryBuffer statistics methods are allowed')


def _numpy_dtype_classes():
    """The ``numpy.dtypes.*DType`` classes of numeric arrays and scalars.

    Unpickling ``np.dtype('f8')`` builds an instance of
    ``numpy.dtypes.Float64DType``, a type torch must be told about too.
    """
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is None:  # pragma: no cover - numpy < 1.25
        return []
    names = ('Float64DType', 'Float32DType', 'Float16DType', 'Int64DType',
             'Int32DType', 'Int16DType', 'Int8DType', 'UInt8DType',
             'BoolDType')
    return [getattr(dtypes, n) for n in names if hasattr(dtypes, n)]


#: Every non-torch global an MMEngine 0.10.x checkpoint references (found
#: with ``torch.serialization.get_unsafe_globals_in_checkpoint``) and the
#: numpy dtype types unpickling them builds.
MMENGINE_CHECKPOINT_GLOBALS = [
    HistoryBuffer,
    (history_buffer_getattr, 'builtins.getattr'),
    _reconstruct,
    scalar,
    np.ndarray,
    np.dtype,
    *_numpy_dtype_classes(),
]


def allow_mmengine_checkpoint_globals() -> None:
    """Allowlist :data:`MMENGINE_CHECKPOINT_GLOBALS` for ``weights_only``
    loading (``torch.serialization.add_safe_globals``); idempotent."""
    torch.serialization.add_safe_globals(MMENGINE_CHECKPOINT_GLOBALS)


def allowed_global_names() -> Set[str]:
    """The ``module.name`` globals ``torch.load(weights_only=True)``
    resolves: torch's own and those added with ``add_safe_globals``."""
    from torch import _weights_only_unpickler as unpickler
    allow_mmengine_checkpoint_globals()
    return set(unpickler._get_allowed_globals()) | set(
        unpickler._get_user_allowed_globals())


def is_legacy_torch_file(path: str) -> bool:
    """Whether ``path`` starts as a legacy-format ``torch.save`` file."""
    with open(path, 'rb') as f:
        return f.read(len(LEGACY_TORCH_MAGIC)) == LEGACY_TORCH_MAGIC


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file: a zip holding a
    ``data.pkl`` whose central directory is intact (a file cut off while
    being written is not), or a legacy-format file whose pickles all
    parse."""
    if not osp.isfile(path):
        return False
    if is_legacy_torch_file(path):
        try:
            torch_file_globals(path)
            return True
        except ValueError:
            return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith('data.pkl')
                       for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


CHECKPOINT_EXPECTED = ('expected an MMEngine checkpoint written by '
                       'torch.save, such as work_dirs/<config>/epoch_N.pth '
                       'or the output of tools/model_converters')


def check_checkpoint(path: str, source: str = 'checkpoint') -> None:
    """Refuse, with one message, any file that is not a loadable checkpoint.

    Checked without unpickling anything: the file exists, is a complete
    ``torch.save`` file (zip, or torch's legacy pre-zip format; not random
    bytes, text, or a file cut off while being written), and its pickle
    opcodes reference no Python global beyond those
    :func:`allowed_global_names` lists. The message names the file and
    what was expected, and never suggests ``weights_only=False``.

    Args:
        path (str): The checkpoint file.
        source (str): Where the path came from (``--resume``,
            ``load_from``, ...), for the message.

    Raises:
        MissingCheckpointError: ``path`` does not exist (a
            ``FileNotFoundError`` too).
        CheckpointError: ``path`` is not a checkpoint mmbcl loads.
    """
    if not osp.isfile(path):
        raise MissingCheckpointError(
            f'{source}: checkpoint {path!r} does not exist')
    if not is_complete_checkpoint(path):
        raise CheckpointError(
            f'{source}: {path!r} ({osp.getsize(path)} bytes) is not a '
            'complete checkpoint (another kind of file, or one cut off '
            f'while being written); {CHECKPOINT_EXPECTED}')
    try:
        found = torch_file_globals(path)
    except (ValueError, zipfile.BadZipFile, OSError) as error:
        raise CheckpointError(f'{source}: {path!r} is not a readable '
                              f'checkpoint ({error}); '
                              f'{CHECKPOINT_EXPECTED}') from None
    unsafe = sorted(found - allowed_global_names())
    if unsafe:
        raise CheckpointError(
            f'{source}: {path!r} references Python objects that a '
            f'checkpoint does not need ({", ".join(unsafe[:5])}); mmbcl '
            f'refuses to unpickle it; {CHECKPOINT_EXPECTED}')


def load_checkpoint_file(path: str, map_location=None,
                         source: str = 'checkpoint'):
    """:func:`check_checkpoint`, then ``torch.load(weights_only=True)``.

    Args:
        path (str): The checkpoint file.
        map_location: As for ``torch.load``.
        source (str): Where the path came from, for messages.

    Returns:
        The loaded object (an MMEngine checkpoint dict).
    """
    check_checkpoint(path, source)
    return torch.load(path, map_location=map_location, weights_only=True)
