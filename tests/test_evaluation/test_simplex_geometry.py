import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import simplex_report
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample

COUNTS = [500, 300, 150, 60, 30, 12, 6, 3]  # many x3, medium x2, few x3


def simplex_means(num_classes, dim, seed=0):
    """Vertices of a regular simplex, rotated into ``dim`` dimensions."""
    vertices = np.eye(num_classes) - 1.0 / num_classes
    rotation, _ = np.linalg.qr(
        np.random.RandomState(seed).randn(dim, num_classes))
    return vertices @ rotation.T * 3.0 + 0.7  # scaled and shifted


def samples(means, per_class=5, noise=1e-4, seed=1):
    rng = np.random.RandomState(seed)
    out = []
    for label, mean in enumerate(means):
        for _ in range(per_class):
            sample = DataSample().set_gt_label(label)
            sample.set_field(
                torch.tensor(mean + noise * rng.randn(len(mean))),
                'contrast_feat')
            out.append(sample.to_dict())
    return out


def evaluate(means):
    metric = METRICS.build(
        dict(type='SimplexGeometry', class_counts=COUNTS))
    batch = samples(means)
    metric.process(None, batch)
    return metric.evaluate(len(batch))


def test_regular_simplex_has_no_deviation():
    res = evaluate(simplex_means(len(COUNTS), 16))
    assert res['geometry/target'] == pytest.approx(-1 / 7)
    assert res['geometry/cos_mean'] == pytest.approx(-1 / 7, abs=1e-3)
    assert res['geometry/cos_dev'] < 1e-3
    assert res['geometry/cos_std'] < 1e-3
    for group in ('many', 'medium', 'few'):
        assert res[f'geometry/{group}_cos_dev'] < 1e-3
    # all class means equally far from the centre
    assert res['geometry/many_norm'] == pytest.approx(
        res['geometry/few_norm'], rel=1e-3)


def test_collapsed_tail_has_large_deviation():
    means = simplex_means(len(COUNTS), 16)
    means[5:] = means[5:].mean(0)  # the three few-shot classes collapse
    res = evaluate(means)
    assert res['geometry/cos_dev'] > 0.2
    # collapsed classes point the same way: cosines near 1, not -1/7
    assert res['geometry/few_cos_dev'] > 1.0
    assert res['geometry/many_cos_dev'] < res['geometry/few_cos_dev']


def test_without_counts_reports_overall_only():
    report = simplex_report(simplex_means(4, 6))
    assert set(report) == {'target', 'cos_mean', 'cos_std', 'cos_dev'}


def test_missing_feature_error():
    metric = METRICS.build(dict(type='SimplexGeometry'))
    sample = DataSample().set_gt_label(0).to_dict()
    with pytest.raises(KeyError, match="no 'contrast_feat'"):
        metric.process(None, [sample])


def test_single_class_error():
    with pytest.raises(ValueError, match='at least 2 classes'):
        simplex_report(np.array([[1.0, 0.0], [np.nan, np.nan]]))
