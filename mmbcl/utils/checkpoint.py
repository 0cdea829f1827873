"""Load MMEngine checkpoints with ``torch.load(weights_only=True)``.

Since torch 2.6, ``torch.load`` defaults to ``weights_only=True`` and
refuses any global it does not know. MMEngine 0.10.x checkpoints carry a
few: the message hub's ``HistoryBuffer`` and the numpy arrays, scalars and
dtypes it holds. :func:`allow_mmengine_checkpoint_globals` allowlists
exactly these, nothing else, so resuming and testing from a checkpoint work
while a checkpoint smuggling any other global (``os.system``, ...) is still
refused by torch.
"""
import numpy as np
import torch
from mmengine.logging import HistoryBuffer

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct, scalar
except ImportError:  # pragma: no cover - numpy 1.x
    from numpy.core.multiarray import _reconstruct, scalar


def _numpy_dtype_classes():
    """The ``numpy.dtypes.*DType`` classes numeric arrays pickle with."""
    dtypes = getattr(np, 'dtypes', None)
    if dtypes is None:  # pragma: no cover - numpy < 1.25
        return []
    names = ('Float64DType', 'Float32DType', 'Float16DType', 'Int64DType',
             'Int32DType', 'Int16DType', 'Int8DType', 'UInt8DType',
             'BoolDType')
    return [getattr(dtypes, n) for n in names if hasattr(dtypes, n)]


#: Every non-torch global an MMEngine 0.10.x checkpoint may reference.
MMENGINE_CHECKPOINT_GLOBALS = [
    HistoryBuffer, _reconstruct, scalar, np.ndarray, np.dtype,
    *_numpy_dtype_classes()
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
