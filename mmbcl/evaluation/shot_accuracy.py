"""ShotAccuracy: top-1 plus many / medium / few-shot accuracy."""
from typing import List, Sequence

import numpy as np

from mmpretrain.registry import METRICS

from .batch_to_host import batch_labels
from .shot_groups import ShotGroupMetric


@METRICS.register_module()
class ShotAccuracy(ShotGroupMetric):
    """Top-1 accuracy overall and by shot group of the training set.

    Classes with more than ``many_shot_thr`` training images are many-shot,
    fewer than ``few_shot_thr`` few-shot, the rest medium-shot (Liu et al.,
    2019). A group's accuracy is the mean of its classes' accuracies, as in
    the long-tail literature; on the usual balanced test sets this equals
    the accuracy over the group's images. A group with no class in the
    evaluated set is left out of the results.

    The training class counts come from ``ClassCountsHook`` (from the
    training dataset, or from the checkpoint in a test-only run) or from
    ``class_counts``.

    Args:
        many_shot_thr (int): Defaults to 100.
        few_shot_thr (int): Defaults to 20.
        class_counts (Sequence[int], optional): Training images per class.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Defaults to ``'shot'``: results are
            ``shot/top1``, ``shot/many``, ``shot/medium``, ``shot/few``.

    Example:
        >>> metric = ShotAccuracy(class_counts=[500, 50, 5])
        >>> metric.compute_metrics([(0, 0), (1, 0), (2, 2)])['few']
        100.0
    """

    default_prefix = 'shot'

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        # one copy to the host for the batch
        self.results.extend(zip(batch_labels(data_samples, 'pred_label'),
                                batch_labels(data_samples)))

    def compute_metrics(self, results: List[tuple]) -> dict:
        if self.class_counts is None:
            raise RuntimeError(
                'ShotAccuracy needs the training class counts: add '
                "dict(type='ClassCountsHook') to custom_hooks and train, or "
                'test from a checkpoint that mmbcl saved, or pass '
                'class_counts=[...]')
        preds, gts = np.asarray(results, dtype=np.int64).reshape(-1, 2).T
        num_classes = len(self.class_counts)
        if gts.size and gts.max() >= num_classes:
            raise ValueError(
                f'ShotAccuracy: label {gts.max()} in the evaluated set but '
                f'the training set has {num_classes} classes')
        totals = np.bincount(gts, minlength=num_classes)
        hits = np.bincount(gts[preds == gts], minlength=num_classes)
        seen = totals > 0
        class_acc = np.divide(hits, totals, out=np.zeros(num_classes),
                              where=seen)
        metrics = dict(top1=100.0 * hits.sum() / max(totals.sum(), 1))
        for name, members in self.groups().items():
            if (members & seen).any():
                metrics[name] = 100.0 * float(class_acc[members & seen].mean())
        return metrics
