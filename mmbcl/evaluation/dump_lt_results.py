"""DumpLTResults: what the analysis tools need from a test run, compact."""
import os
import pickle
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmpretrain.registry import METRICS

from ..utils.pickle_scan import RestrictedUnpickler
from .batch_to_host import batch_field, batch_labels
from .simplex_geometry import class_means


def _results_globals() -> dict:
    """What a results file may reference: numpy arrays, scalars and their
    dtypes (under numpy 1's and numpy 2's module names) and the latin-1
    decoding that pickle protocols 0-2 use for bytes; nothing else."""
    import _codecs
    ndarray = np.zeros(1)
    functions = dict(
        _reconstruct=ndarray.__reduce__()[0],
        _frombuffer=ndarray.__reduce_ex__(5)[0],
        scalar=np.float64(0).__reduce__()[0])
    allowed = {'numpy.ndarray': np.ndarray, 'numpy.dtype': np.dtype,
               '_codecs.encode': _codecs.encode}
    for module in ('numpy.core.multiarray', 'numpy._core.multiarray',
                   'numpy.core.numeric', 'numpy._core.numeric'):
        allowed.update({f'{module}.{name}': function
                        for name, function in functions.items()})
    dtypes = getattr(np, 'dtypes', None)  # numpy >= 1.25
    allowed.update({f'numpy.dtypes.{type(d).__name__}': type(d)
                    for d in map(np.dtype, np.typecodes['All'])
                    if dtypes is not None and hasattr(dtypes,
                                                      type(d).__name__)})
    return allowed


class ResultsFileError(ValueError):
    """A file that is not a results file mmbcl reads; the message says why.
    """


def load_lt_results(path: str) -> dict:
    """Read a file written by :class:`DumpLTResults` (``test.py --out``).

    The file is unpickled by a restricted unpickler that resolves numpy
    arrays and nothing else: a results file that references any other
    Python object (a planted ``os.system``, say) is refused before it can
    run. The message names the file.

    Raises:
        ResultsFileError: ``path`` does not exist, or is not a results file
            of ``tools/test.py --out``.
    """
    if not os.path.isfile(path):
        raise ResultsFileError(
            f'results file {path!r} does not exist; write one with '
            'tools/test.py CONFIG CHECKPOINT --out FILE.pkl')
    expected = ('expected a results file of mmbcl\'s tools/test.py --out '
                '(labels, predictions, class counts, class means)')
    try:
        with open(path, 'rb') as f:
            results = RestrictedUnpickler(f, _results_globals()).load()
    except pickle.UnpicklingError as error:
        raise ResultsFileError(f'{path!r}: {error}: mmbcl refuses to '
                               f'unpickle it; {expected}') from None
    except Exception as error:  # truncated, not a pickle at all, ...
        raise ResultsFileError(
            f'{path!r} is not readable ({type(error).__name__}: {error}); '
            f'{expected}') from None
    if not isinstance(results, dict) or 'gt_labels' not in results:
        raise ResultsFileError(f'{path!r}: {expected}')
    return results


@METRICS.register_module()
class DumpLTResults(BaseMetric):
    """Write labels, predictions, training class counts and class means.

    ``tools/test.py --out FILE.pkl`` adds it to the test evaluator. The file
    is a pickled dict: ``gt_labels`` and ``pred_labels`` (``(N,)`` int
    arrays), ``class_counts`` (training images per class, from
    ``ClassCountsHook``; None if unknown), ``class_feature_means`` (``(C,
    D)`` mean of ``feature_key`` per class, NaN for classes absent from the
    evaluated set; None if the samples carry no such feature) and
    ``feature_key``. Per-sample features and scores are not kept, so the
    file stays small even for iNaturalist. The file is written whole or not
    at all.

    Args:
        out_file_path (str): A ``.pkl`` path.
        feature_key (str): Defaults to ``'contrast_feat'``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    def __init__(self,
                 out_file_path: str,
                 feature_key: str = 'contrast_feat',
                 collect_device: str = 'cpu',
                 class_counts: Optional[Sequence[int]] = None):
        super().__init__(collect_device=collect_device)
        if not out_file_path.endswith(('.pkl', '.pickle')):
            raise ValueError(
                f'DumpLTResults: out_file_path must end in .pkl, got '
                f'{out_file_path!r}')
        self.out_file_path = out_file_path
        self.feature_key = feature_key
        self.class_counts = class_counts

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        self.class_counts = [int(c) for c in class_counts]

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        features = [None] * len(data_samples)
        having = [i for i, s in enumerate(data_samples)
                  if s.get(self.feature_key) is not None]
        if having:  # one copy to the host for the batch
            values = batch_field([data_samples[i] for i in having],
                                 self.feature_key)
            for i, value in zip(having, values):
                features[i] = value.astype(np.float32, copy=False)
        self.results.extend(zip(batch_labels(data_samples),
                                batch_labels(data_samples, 'pred_label'),
                                features))

    def compute_metrics(self, results: List[tuple]) -> dict:
        gts = np.array([r[0] for r in results], dtype=np.int64)
        preds = np.array([r[1] for r in results], dtype=np.int64)
        means = None
        if all(r[2] is not None for r in results):
            num_classes = (len(self.class_counts) if self.class_counts
                           else int(gts.max()) + 1)
            means = class_means(
                np.stack([r[2] for r in results]), gts, num_classes)
        out = dict(gt_labels=gts, pred_labels=preds,
                   class_counts=self.class_counts,
                   class_feature_means=means, feature_key=self.feature_key)
        tmp = self.out_file_path + '.tmp'
        with open(tmp, 'wb') as f:
            pickle.dump(out, f)
        os.replace(tmp, self.out_file_path)
        return {}
