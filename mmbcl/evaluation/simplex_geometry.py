"""SimplexGeometry: how close class means are to a regular simplex."""
from typing import List, Optional, Sequence

import numpy as np

from mmpretrain.registry import METRICS

from .batch_to_host import batch_field, batch_labels
from .shot_groups import ShotGroupMetric, shot_groups


def class_means(features: np.ndarray, labels: np.ndarray,
                num_classes: int) -> np.ndarray:
    """``(C, D)`` mean feature of each class (NaN rows for absent ones)."""
    sums = np.zeros((num_classes, features.shape[1]))
    np.add.at(sums, labels, features)
    counts = np.bincount(labels, minlength=num_classes)[:, None]
    with np.errstate(invalid='ignore', divide='ignore'):
        return sums / counts


def centred_cosines(means: np.ndarray):
    """Cosines between class means centred by their global mean.

    Returns:
        tuple: ``(C, C)`` cosine matrix and ``(C,)`` norms of the centred
        means (absent classes, NaN rows, are left out of the centre).
    """
    present = ~np.isnan(means).any(1)
    centred = means - means[present].mean(0)
    norms = np.linalg.norm(centred, axis=1)
    unit = centred / np.maximum(norms, 1e-12)[:, None]
    return unit @ unit.T, norms


@METRICS.register_module()
class SimplexGeometry(ShotGroupMetric):
    """Deviation of the class-mean geometry from a regular simplex.

    BCL's claim (Zhu et al., 2022, sec. 3): with balanced contrastive
    learning the class means of the contrastive features form a regular
    simplex, every pairwise cosine equal to ``-1 / (C - 1)``, while
    supervised contrastive learning on long-tailed data collapses tail
    classes together. From the evaluated set's features (``BCLHead`` puts
    the normalised contrastive feature of each sample in
    ``contrast_feat``) this computes each class's mean, centres the means by
    their average (every class weighted alike), normalises them, and
    reports over the pairs of classes:

    * ``cos_mean``, ``cos_std``: mean and spread of the pairwise cosines,
      against ``target = -1 / (C - 1)``;
    * ``cos_dev``: mean absolute deviation of the cosines from ``target``;
      and ``many/medium/few_cos_dev`` over the pairs within each shot
      group of the training set;
    * ``many/medium/few_norm``: mean norm of the centred class means by
      group (collapsed classes sit near the centre).

    Args:
        feature_key (str): The data-sample field holding the feature.
            Defaults to ``'contrast_feat'``.
        many_shot_thr (int): Defaults to 100.
        few_shot_thr (int): Defaults to 20.
        class_counts (Sequence[int], optional): Training images per class;
            without them (and without ``ClassCountsHook``) only the overall
            values are reported.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Defaults to ``'geometry'``.
    """

    default_prefix = 'geometry'

    def __init__(self,
                 feature_key: str = 'contrast_feat',
                 many_shot_thr: int = 100,
                 few_shot_thr: int = 20,
                 class_counts: Optional[Sequence[int]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(many_shot_thr, few_shot_thr, class_counts,
                         collect_device, prefix)
        self.feature_key = feature_key

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if self.feature_key not in sample:
                raise KeyError(
                    f'SimplexGeometry: data samples have no '
                    f'{self.feature_key!r}; BCLHead.predict provides '
                    "'contrast_feat', other heads need feature_key set to a "
                    'field they fill')
        # one copy to the host for the batch
        features = batch_field(data_samples, self.feature_key)
        self.results.extend(zip(features.astype(np.float64),
                                batch_labels(data_samples)))

    def compute_metrics(self, results: List[tuple]) -> dict:
        features = np.stack([f for f, _ in results])
        labels = np.array([label for _, label in results])
        num_classes = (len(self.class_counts) if self.class_counts is not None
                       else int(labels.max()) + 1)
        return simplex_report(
            class_means(features, labels, num_classes), self.class_counts,
            self.many_shot_thr, self.few_shot_thr)


def simplex_report(means: np.ndarray,
                   class_counts: Optional[np.ndarray] = None,
                   many_shot_thr: int = 100,
                   few_shot_thr: int = 20) -> dict:
    """The :class:`SimplexGeometry` numbers from ``(C, D)`` class means."""
    present = ~np.isnan(means).any(1)
    if present.sum() < 2:
        raise ValueError('SimplexGeometry needs at least 2 classes in the '
                         f'evaluated set, got {int(present.sum())}')
    cos, norms = centred_cosines(means)
    target = -1.0 / (present.sum() - 1)
    pairs = np.triu(np.outer(present, present), k=1)
    values = cos[pairs]
    report = dict(target=target, cos_mean=values.mean(), cos_std=values.std(),
                  cos_dev=np.abs(values - target).mean())
    if class_counts is not None:
        for name, members in shot_groups(class_counts, many_shot_thr,
                                         few_shot_thr).items():
            members = members & present
            within = np.triu(np.outer(members, members), k=1)
            if within.any():
                report[f'{name}_cos_dev'] = np.abs(cos[within] -
                                                   target).mean()
            if members.any():
                report[f'{name}_norm'] = norms[members].mean()
    return {k: float(v) for k, v in report.items()}
