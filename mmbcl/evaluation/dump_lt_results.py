"""DumpLTResults: what the analysis tools need from a test run, compact."""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from mmpretrain.registry import METRICS

from .batch_to_host import batch_field, batch_labels
from .results_file import save_lt_results
from .simplex_geometry import class_means


@METRICS.register_module()
class DumpLTResults(BaseMetric):
    """Write labels, predictions, training class counts and class means.

    ``tools/test.py --out FILE.npz`` adds it to the test evaluator. The file
    is an ``.npz`` archive of plain arrays (see
    :mod:`mmbcl.evaluation.results_file`; read it with
    :func:`~mmbcl.evaluation.load_lt_results`): ``gt_labels`` and
    ``pred_labels`` (``(N,)`` int arrays), ``class_counts`` (training
    images per class, from ``ClassCountsHook``; None if unknown),
    ``class_feature_means`` (``(C, D)`` mean of ``feature_key`` per class,
    NaN for classes absent from the evaluated set; None if the samples
    carry no such feature), ``feature_key`` and the dataset's ``classes``.
    Per-sample features and scores are not kept, so the file stays small
    even for iNaturalist. The file is written whole or not at all.

    Args:
        out_file_path (str): An ``.npz`` path.
        feature_key (str): Defaults to ``'contrast_feat'``.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
    """

    default_prefix = 'dump'

    def __init__(self,
                 out_file_path: str,
                 feature_key: str = 'contrast_feat',
                 collect_device: str = 'cpu',
                 class_counts: Optional[Sequence[int]] = None):
        super().__init__(collect_device=collect_device)
        if not out_file_path.endswith('.npz'):
            raise ValueError(
                f'DumpLTResults: out_file_path must end in .npz (a results '
                f'file holds arrays only, no pickle), got {out_file_path!r}')
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
        classes = (self.dataset_meta or {}).get('classes')
        save_lt_results(self.out_file_path, gts, preds, self.class_counts,
                        means, self.feature_key, classes=classes)
        return {}
