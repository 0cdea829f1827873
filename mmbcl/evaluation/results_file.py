"""The results file of ``tools/test.py --out``: arrays and plain values only.

A results file is an ``.npz`` archive (``numpy.savez``) of plain arrays,
read with ``numpy.load(..., allow_pickle=False)``: nothing in it is
unpickled, so no file can run code or make NumPy read memory it should not.

Results files in the older pickled ``.pkl`` form are still read, through
:func:`read_pickled_results`: numpy's own constructors never see the file's
data. Arrays are rebuilt from their raw bytes with a plain numeric dtype
that the reader chooses (booleans, integers, floats; no object, structured
or sub-array dtype can be built from a state the file supplies).
"""
import json
import logging
import os
import pickle
from typing import Optional

import numpy as np
from mmengine.logging import print_log

from ..utils.checkpoint.pickle_scan import RestrictedUnpickler

#: The ``meta`` record of a results file says what wrote it.
RESULTS_FORMAT = 'mmbcl-lt-results'
RESULTS_VERSION = 1
#: Fields every results file holds (``class_counts``,
#: ``class_feature_means`` and ``classes`` may be absent).
REQUIRED_FIELDS = ('gt_labels', 'pred_labels')
EXPECTED = ('expected a results file of mmbcl\'s tools/test.py --out '
            '(labels, predictions, class counts, class means)')
#: The plain dtypes a pickled results file may hold, by their short code.
PLAIN_DTYPES = {np.dtype(c).str[1:]: np.dtype(c) for c in '?bBhHiIlLqQefd'}


class ResultsFileError(ValueError):
    """A file that is not a results file mmbcl reads; the message says why.
    """


def save_lt_results(path: str, gt_labels, pred_labels,
                    class_counts=None, class_feature_means=None,
                    feature_key: Optional[str] = None,
                    classes=None) -> None:
    """Write a results file, whole or not at all.

    Args:
        path (str): An ``.npz`` path.
        gt_labels, pred_labels: ``(N,)`` integer arrays.
        class_counts: Training images per class, or None if unknown.
        class_feature_means: ``(C, D)`` class means of ``feature_key``, or
            None.
        feature_key (str, optional): The feature the means are of.
        classes (Sequence[str], optional): The class names, by label.
    """
    arrays = dict(gt_labels=np.asarray(gt_labels, dtype=np.int64),
                  pred_labels=np.asarray(pred_labels, dtype=np.int64))
    if class_counts is not None:
        arrays['class_counts'] = np.asarray(class_counts, dtype=np.int64)
    if class_feature_means is not None:
        arrays['class_feature_means'] = np.asarray(class_feature_means,
                                                   dtype=np.float32)
    if classes is not None:
        arrays['classes'] = np.asarray([str(c) for c in classes])
    meta = dict(format=RESULTS_FORMAT, version=RESULTS_VERSION,
                feature_key=feature_key)
    tmp = path + '.tmp'
    with open(tmp, 'wb') as f:
        np.savez(f, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)


def load_lt_results(path: str) -> dict:
    """Read a results file of ``tools/test.py --out``.

    Returns:
        dict: ``gt_labels``, ``pred_labels`` (int arrays),
        ``class_counts`` (list of int, or None), ``class_feature_means``
        (array, or None), ``feature_key`` and ``classes`` (list of str, or
        None).

    Raises:
        ResultsFileError: ``path`` does not exist, or is not a results file.
    """
    if not os.path.isfile(path):
        raise ResultsFileError(
            f'results file {path!r} does not exist; write one with '
            'tools/test.py CONFIG CHECKPOINT --out FILE.npz')
    with open(path, 'rb') as f:
        pickled = f.read(2) in (b'\x80\x02', b'\x80\x03', b'\x80\x04',
                                b'\x80\x05')
    if pickled:
        print_log(f'{path}: a results file in the older pickled form, read '
                  'without running any of it; tools/test.py --out '
                  'FILE.npz writes the current form', logger='current',
                  level=logging.WARNING)
    try:
        results = (read_pickled_results(path)
                   if pickled else _read_npz(path))
    except pickle.UnpicklingError as error:
        raise ResultsFileError(f'{path!r}: {error}: mmbcl refuses to '
                               f'unpickle it; {EXPECTED}') from None
    except ResultsFileError:
        raise
    except Exception as error:  # truncated, not an archive at all, ...
        raise ResultsFileError(
            f'{path!r} is not readable ({type(error).__name__}: {error}); '
            f'{EXPECTED}') from None
    if not isinstance(results, dict) or any(
            not isinstance(results.get(k), np.ndarray) or
            results[k].ndim != 1 or results[k].dtype.kind not in 'iu'
            for k in REQUIRED_FIELDS):
        raise ResultsFileError(f'{path!r}: {EXPECTED}')
    counts, classes = results.get('class_counts'), results.get('classes')
    return dict(
        classes=None if classes is None else [str(c) for c in classes],
        gt_labels=results['gt_labels'], pred_labels=results['pred_labels'],
        class_counts=None if counts is None else [int(c) for c in counts],
        class_feature_means=results.get('class_feature_means'),
        feature_key=results.get('feature_key'))


def _read_npz(path: str) -> dict:
    with np.load(path, allow_pickle=False) as archive:
        fields = {k: archive[k] for k in archive.files}
    meta = json.loads(str(fields.pop('meta', '{}')))
    if meta.get('format') != RESULTS_FORMAT:
        raise ResultsFileError(f'{path!r} has no mmbcl results record; '
                               f'{EXPECTED}')
    return dict(fields, feature_key=meta.get('feature_key'))


# -- the older pickled form -------------------------------------------------


class _PlainDType:
    """Stands for ``numpy.dtype(code)`` while a pickled file is read.

    A pickled dtype carries a state (byte order, fields, offsets, flags)
    that ``numpy.dtype.__setstate__`` applies without the checks of
    NumPy's constructor. This stand-in keeps only the byte order, and
    refuses a state with fields or a sub-array.
    """

    def __init__(self, code, align=False, copy=True):
        if code not in PLAIN_DTYPES:
            raise pickle.UnpicklingError(
                f'refusing to load dtype {code!r} (plain numbers only)')
        self.dtype = PLAIN_DTYPES[code]

    def __setstate__(self, state):
        if not isinstance(state, tuple) or len(state) < 5 or any(
                part is not None for part in state[2:5]):
            raise pickle.UnpicklingError(
                'refusing to load a structured or sub-array dtype')
        if state[1] in ('<', '>'):
            self.dtype = self.dtype.newbyteorder(state[1])


def _from_bytes(data, dtype, shape, fortran: bool = False) -> np.ndarray:
    if not isinstance(dtype, _PlainDType) or not isinstance(
            data, (bytes, bytearray)) or not isinstance(shape, tuple):
        raise pickle.UnpicklingError('refusing a malformed array')
    count = int(np.prod(shape, dtype=np.int64))
    if count * dtype.dtype.itemsize != len(data):
        raise pickle.UnpicklingError('refusing an array whose bytes do not '
                                     'match its shape')
    array = np.frombuffer(bytes(data), dtype=dtype.dtype, count=count)
    return array.reshape(shape, order='F' if fortran else 'C').copy()


class _Array:
    """Stands for ``numpy.ndarray`` rebuilt by ``_reconstruct``; its state
    (shape, dtype, order, raw bytes) becomes a plain array."""

    def __init__(self, *args):
        self.array = None

    def __setstate__(self, state):
        if isinstance(state, tuple) and len(state) == 5:
            state = state[1:]
        if not isinstance(state, tuple) or len(state) != 4:
            raise pickle.UnpicklingError('refusing a malformed array')
        shape, dtype, fortran, data = state
        self.array = _from_bytes(data, dtype, shape, bool(fortran))


def _legacy_globals() -> dict:
    import _codecs
    allowed = {'numpy.ndarray': _Array, 'numpy.dtype': _PlainDType,
               '_codecs.encode': _codecs.encode}
    builders = dict(
        _reconstruct=lambda cls, shape, typecode: _Array(),
        _frombuffer=lambda data, dtype, shape, order: _from_bytes(
            data, dtype, shape, order == 'F'),
        scalar=lambda dtype, data=b'': _from_bytes(data, dtype, ())[()])
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray',
                   'numpy.core.numeric', 'numpy._core.numeric'):
        allowed.update({f'{module}.{name}': builder
                        for name, builder in builders.items()})
    return allowed


def _plain(value):
    """Replace the stand-ins of a loaded pickle by what they stand for."""
    if isinstance(value, _Array):
        if value.array is None:
            raise pickle.UnpicklingError('refusing an array without data')
        return value.array
    if isinstance(value, _PlainDType):
        raise pickle.UnpicklingError('refusing a bare dtype')
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    return value


def read_pickled_results(path: str) -> dict:
    """Read a results file in the older pickled form, without NumPy's
    unpickling paths (see the module's docstring).

    Raises:
        pickle.UnpicklingError: The file references anything but plain
            numeric arrays, or holds a malformed one.
    """
    with open(path, 'rb') as f:
        return _plain(RestrictedUnpickler(f, _legacy_globals()).load())
