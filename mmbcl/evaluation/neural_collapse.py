"""NeuralCollapse: Papyan, Han & Donoho's (2020) geometry measures."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.logging import print_log

from mmpretrain.registry import METRICS

from .batch_to_host import batch_field, batch_labels
from .shot_groups import ShotGroupMetric, shot_groups
from .simplex_geometry import class_means


def neural_collapse(features: np.ndarray,
                    labels: np.ndarray,
                    num_classes: int,
                    groups: Optional[Dict[str, np.ndarray]] = None,
                    collapse_cos: float = 0.9) -> Dict[str, float]:
    """Neural-collapse measures of ``(N, D)`` features with their labels.

    Class means ``mu_c`` are centred by their average ``mu_G`` (every class
    weighted alike, as on a balanced evaluation set); classes absent from
    ``labels`` are left out. With ``C`` the classes present:

    * ``nc1 = tr(Sigma_W pinv(Sigma_B)) / C``: within-class variability
      relative to between-class (Papyan et al., 2020, NC1); 0 when every
      sample sits on its class mean;
    * ``equinorm``: coefficient of variation (std / mean) of the centred
      class-mean norms (NC2); 0 when they are equal;
    * ``etf_dev``: Frobenius distance between the Gram matrix of the
      normalised centred means and the simplex ETF's, both scaled to unit
      Frobenius norm (NC2, equiangularity); 0 for a regular simplex;
    * ``min_angle``: the smallest angle between two centred class means,
      in degrees (``arccos(-1 / (C - 1))`` for a regular simplex: 96.4 for
      ``C = 10``);
    * ``collapsed_pairs``: pairs of classes whose centred means have cosine
      above ``collapse_cos`` (0 for a simplex).

    With ``groups`` (shot-group class masks) the same measures restricted
    to each group's classes are reported as ``<group>_<measure>``
    (``nc1`` then averages ``Sigma_W`` over the group, against the overall
    ``Sigma_B``; the angle measures use the pairs within the group, and
    ``etf_dev`` compares the group's block of the Gram matrix with the same
    block of the ``C``-class simplex's, cosine ``-1 / (C - 1)``: a group of
    ``k`` classes inside a ``C``-class simplex is not a ``k``-class
    simplex). A regular simplex scores the same in every group as
    overall.

    Args:
        features (np.ndarray): ``(N, D)`` features.
        labels (np.ndarray): ``(N,)`` labels in ``[0, num_classes)``.
        num_classes (int): Number of classes.
        groups (dict, optional): Name -> ``(num_classes,)`` boolean mask.
        collapse_cos (float): Cosine above which two class means count as
            collapsed. Defaults to 0.9.

    Returns:
        dict[str, float]: The measures.

    Example:
        >>> means = np.eye(3) - 1 / 3  # a regular simplex
        >>> report = neural_collapse(np.repeat(means, 2, 0),
        ...                          np.repeat(np.arange(3), 2), 3)
        >>> round(report['nc1'], 6), round(report['min_angle'], 1)
        (0.0, 120.0)
    """
    features = np.asarray(features, dtype=np.float64)
    counts = np.bincount(labels, minlength=num_classes)
    present = counts > 0
    if present.sum() < 2:
        raise ValueError('NeuralCollapse needs at least 2 classes in the '
                         f'evaluated set, got {int(present.sum())}')
    all_means = class_means(features, labels, num_classes)
    centred = all_means[present] - all_means[present].mean(0)
    within = features - all_means[labels]
    # Sigma_W per class: (1 / n_c) sum of outer products of the residuals
    weights = 1.0 / counts[labels]
    index = np.cumsum(present) - 1  # class -> row of the present classes
    sigma_b = centred.T @ centred / len(centred)
    pinv_b = np.linalg.pinv(sigma_b, hermitian=True)
    # tr(Sigma_W,c pinv(Sigma_B)) for each class, without D x D per class
    per_class_nc1 = np.zeros(len(centred))
    np.add.at(per_class_nc1, index[labels],
              weights * np.einsum('nd,de,ne->n', within, pinv_b, within))
    norms = np.linalg.norm(centred, axis=1)
    unit = centred / np.maximum(norms, 1e-12)[:, None]
    cos = unit @ unit.T
    num = len(centred)
    simplex = (np.eye(num) - 1.0 / num) * num / (num - 1)

    def measures(rows: np.ndarray) -> Dict[str, float]:
        k = int(rows.sum())
        report = dict(nc1=per_class_nc1[rows].mean() / len(centred),
                      equinorm=norms[rows].std() / norms[rows].mean())
        if k >= 2:
            gram = cos[np.ix_(rows, rows)]
            pairs = gram[np.triu_indices(k, 1)]
            etf = simplex[np.ix_(rows, rows)]
            report.update(
                etf_dev=np.linalg.norm(gram / np.linalg.norm(gram) -
                                       etf / np.linalg.norm(etf)),
                min_angle=np.degrees(np.arccos(np.clip(pairs.max(), -1, 1))),
                collapsed_pairs=int((pairs > collapse_cos).sum()))
        return report

    report = measures(np.ones(len(centred), dtype=bool))
    for name, mask in (groups or {}).items():
        rows = mask[present]
        if rows.any():
            report.update({f'{name}_{key}': value
                           for key, value in measures(rows).items()})
    return {key: float(value) for key, value in report.items()}


@METRICS.register_module()
class NeuralCollapse(ShotGroupMetric):
    """Neural collapse (NC1, NC2) of features, overall and by shot group.

    BCL's claim (Zhu et al., 2022) is that balanced contrastive learning
    drives the class means toward a regular simplex where supervised
    contrastive learning, on long-tailed data, lets tail classes collapse
    together. This metric measures it on the evaluated set with the
    standard quantities of Papyan, Han & Donoho (2020), for each feature
    named in ``features`` (``BCLHead.predict`` fills ``contrast_feat``, the
    normalised contrastive feature, and ``backbone_feat``, the pooled
    backbone/neck feature). See :func:`neural_collapse` for the measures;
    a perfect simplex scores ``nc1 = equinorm = etf_dev = 0``,
    ``collapsed_pairs = 0`` and ``min_angle = arccos(-1 / (C - 1))``.
    Keys read ``nc/<feature>/<measure>``, e.g. ``nc/contrast/nc1`` or
    ``nc/backbone/few_collapsed_pairs``.

    Features are kept (as float32) until the evaluation ends: on a large
    test set, mind ``N x D`` memory.

    Args:
        features (dict): Result name -> data-sample field. Defaults to
            ``dict(contrast='contrast_feat', backbone='backbone_feat')``.
            A field no sample has is skipped with a warning (a
            single-view baseline has no contrastive feature).
        collapse_cos (float): Cosine above which two class means count as
            collapsed. Defaults to 0.9.
        many_shot_thr (int): Defaults to 100.
        few_shot_thr (int): Defaults to 20.
        class_counts (Sequence[int], optional): Training images per class
            (set by ``ClassCountsHook``); without them only the overall
            measures are reported.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Defaults to ``'nc'``.
    """

    default_prefix = 'nc'

    def __init__(self,
                 features: Optional[dict] = None,
                 collapse_cos: float = 0.9,
                 many_shot_thr: int = 100,
                 few_shot_thr: int = 20,
                 class_counts: Optional[Sequence[int]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(many_shot_thr, few_shot_thr, class_counts,
                         collect_device, prefix)
        self.features = dict(features or dict(
            contrast='contrast_feat', backbone='backbone_feat'))
        if not self.features:
            raise ValueError('NeuralCollapse: features must name at least '
                             'one data-sample field, got {}')
        if not -1 < collapse_cos < 1:
            raise ValueError('NeuralCollapse: collapse_cos must be in '
                             f'(-1, 1), got {collapse_cos}')
        self.collapse_cos = collapse_cos

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        found = [{} for _ in data_samples]
        for name, field in self.features.items():
            having = [i for i, s in enumerate(data_samples) if field in s]
            if having:  # one copy to the host for the batch
                values = batch_field([data_samples[i] for i in having],
                                     field).astype(np.float32)
                for i, value in zip(having, values):
                    found[i][name] = value
        self.results.extend(zip(found, batch_labels(data_samples)))

    def compute_metrics(self, results: List[tuple]) -> dict:
        labels = np.array([label for _, label in results])
        num_classes = (len(self.class_counts) if self.class_counts is not None
                       else int(labels.max()) + 1)
        groups = None if self.class_counts is None else shot_groups(
            self.class_counts, self.many_shot_thr, self.few_shot_thr)
        metrics = {}
        for name, field in self.features.items():
            if not all(name in found for found, _ in results):
                print_log(f'NeuralCollapse: samples have no {field!r}; no '
                          f'nc/{name} measures', logger='current', level=30)
                continue
            features = np.stack([found[name] for found, _ in results])
            report = neural_collapse(features, labels, num_classes, groups,
                                     self.collapse_cos)
            metrics.update({f'{name}/{k}': v for k, v in report.items()})
        if not metrics:
            raise KeyError(
                f'NeuralCollapse: no data sample has any of the fields '
                f'{sorted(self.features.values())}; BCLHead.predict fills '
                "'contrast_feat' and 'backbone_feat', other heads need "
                '`features` set to fields they fill')
        return metrics
