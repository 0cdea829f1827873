"""DumpLTResults: what the analysis tools need from a test run, compact."""
import os
import pickle
from typing import List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmpretrain.registry import METRICS

from .simplex_geometry import class_means


def load_lt_results(path: str) -> dict:
    """Read a file written by :class:`DumpLTResults` (``test.py --out``)."""
    with open(path, 'rb') as f:
        results = pickle.load(f)
    if not isinstance(results, dict) or 'gt_labels' not in results:
        raise ValueError(f'{path} is not a results file of mmbcl\'s '
                         'tools/test.py --out')
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
        for sample in data_samples:
            feature = sample.get(self.feature_key)
            if isinstance(feature, torch.Tensor):
                feature = feature.detach().cpu().float().numpy()
            self.results.append((int(sample['gt_label'][0]),
                                 int(sample['pred_label'][0]), feature))

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
