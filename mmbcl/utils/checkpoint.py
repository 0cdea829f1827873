"""Load MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and
refuses any global it does not know. MMEngine 0.10.x checkpoints carry a
few: the message hub's ``HistoryBuffer`` (which pickles its statistics
methods through ``getattr``) and the numpy arrays, scalars and dtypes it
holds. :func:`allow_mmengine_checkpoint_globals` allowlists
exactly these, nothing else, so resuming and testing from a checkpoint work
while a checkpoint smuggling any other global (``os.system``, ...) is still
refused by torch.
"""
import glob
import os.path as osp
import pickle
import re
import zipfile
from typing import Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct, scalar
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct, scalar


BUILTIN_STATISTICS = frozenset(('min', 'max', 'current', 'mean'))


def history_buffer_getattr(obj, name: str):
    """``getattr`` limited to ``HistoryBuffer``'s statistics methods.

    A pickled ``HistoryBuffer`` references its statistics methods (``min``,
    ``max``, ``current``, ``mean`` and any registered with
    ``HistoryBuffer.register_statistics``) as ``getattr(HistoryBuffer,
    name)``. Allowing the real ``builtins.getattr`` would let a checkpoint
    reach any attribute of any allowed object; this stand-in, registered
    under that name, resolves only those methods and refuses the rest.
    """
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
    """Allowlist :data:`MMENGINE_CHECKPOINT_GLOBALS` for safe loading.

    Idempotent; does nothing on a torch without
    ``torch.serialization.add_safe_globals`` (< 2.4), where checkpoints load
    as before.
    """
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is not None:
        add_safe_globals(MMENGINE_CHECKPOINT_GLOBALS)


def is_complete_checkpoint(path: str) -> bool:
    """Whether ``path`` is a whole ``torch.save`` file (a zip holding a
    ``data.pkl``, whose central directory is intact: a file cut off while
    being written is not)."""
    if not osp.isfile(path):
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            return any(name.endswith('data.pkl')
                       for name in archive.namelist())
    except (zipfile.BadZipFile, OSError):
        return False


#: The first bytes of a file ``torch.save`` wrote in its legacy (pre-1.6,
#: ``_use_new_zipfile_serialization=False``) format: a pickled magic number.
LEGACY_TORCH_MAGIC = b'\x80\x02\x8a\x0a' + (
    0x1950a86a20f9469cfc6c).to_bytes(10, 'little')


def is_legacy_torch_file(path: str) -> bool:
    """Whether ``path`` starts as a legacy-format ``torch.save`` file."""
    with open(path, 'rb') as f:
        return f.read(len(LEGACY_TORCH_MAGIC)) == LEGACY_TORCH_MAGIC


CHECKPOINT_EXPECTED = ('expected an MMEngine checkpoint written by '
                       'torch.save, such as work_dirs/<config>/epoch_N.pth '
                       'or the output of tools/model_converters')


def check_checkpoint(path: str, source: str = 'checkpoint') -> None:
    """Refuse, with one message, any file that is not a loadable checkpoint.

    Checked without unpickling anything: the file exists, is a complete
    ``torch.save`` archive (not random bytes, text, or a file cut off while
    being written), and references no Python global beyond tensors and the
    ones :func:`allow_mmengine_checkpoint_globals` allows. A file in
    torch's legacy (pre-zip) format passes: ``torch.load`` with
    ``weights_only=True`` checks its globals while loading. The message
    names the file and what was expected, and never suggests loading with
    ``weights_only=False``.

    Args:
        path (str): The checkpoint file.
        source (str): Where the path came from (``--resume``,
            ``load_from``, ...), for the message.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: ``path`` is not a checkpoint mmbcl loads.
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'{source}: checkpoint {path!r} does not '
                                'exist')
    if is_legacy_torch_file(path):
        return  # torch.load(weights_only=True) vets its globals as it loads
    if not is_complete_checkpoint(path):
        raise ValueError(
            f'{source}: {path!r} ({osp.getsize(path)} bytes) is not a '
            'complete checkpoint (another kind of file, or one cut off '
            f'while being written); {CHECKPOINT_EXPECTED}')
    find_unsafe = getattr(torch.serialization,
                          'get_unsafe_globals_in_checkpoint', None)
    if find_unsafe is None:  # pragma: no cover - torch < 2.5
        return
    allow_mmengine_checkpoint_globals()
    try:
        unsafe = find_unsafe(path)
    except Exception as error:  # a zip that torch cannot read
        raise ValueError(f'{source}: {path!r} is not a readable checkpoint '
                         f'({error}); {CHECKPOINT_EXPECTED}') from None
    if unsafe:
        raise ValueError(
            f'{source}: {path!r} references Python objects that a '
            f'checkpoint does not need ({", ".join(unsafe[:5])}); mmbcl '
            f'refuses to unpickle it; {CHECKPOINT_EXPECTED}')


#: Checkpoints MMEngine's ``CheckpointHook`` saves with the optimizer and
#: parameter-scheduler state; ``best_*.pth`` and converted weights lack both.
RESUMABLE_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def is_resumable_checkpoint(path: str) -> bool:
    """Whether ``path`` is a complete ``epoch_N.pth`` / ``iter_N.pth``."""
    return bool(RESUMABLE_NAME.match(
        osp.basename(path))) and is_complete_checkpoint(path)


def find_resume_checkpoint(work_dir: str) -> Optional[str]:
    """The checkpoint to resume from: the newest complete resumable one.

    MMEngine's ``last_checkpoint`` pointer is trusted when it names a
    complete ``epoch_N.pth`` / ``iter_N.pth``; when it is missing, empty or
    points at a truncated file (a job killed while saving), the newest
    complete such file in ``work_dir`` is used instead. ``best_*.pth`` and
    any other ``.pth`` never qualify: MMEngine saves them without the
    optimizer and scheduler state, and resuming from one would silently
    restart momentum and the learning-rate schedule.

    Returns:
        str | None: A checkpoint path, or None if there is none.
    """
    pointer = osp.join(work_dir, 'last_checkpoint')
    if osp.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and is_resumable_checkpoint(named):
            return named
    candidates = sorted(
        glob.glob(osp.join(work_dir, '*.pth')), key=osp.getmtime,
        reverse=True)
    return next((c for c in candidates if is_resumable_checkpoint(c)), None)
