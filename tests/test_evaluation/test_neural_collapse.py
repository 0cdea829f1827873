"""NeuralCollapse: a regular simplex scores perfect, collapsed classes are
counted, NC1 equals Papyan et al.'s formula computed the slow way."""
import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import neural_collapse, shot_groups
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample

COUNTS = [500, 300, 150, 60, 30, 12, 6, 3]  # many x3, medium x2, few x3
C = len(COUNTS)


def simplex_means(num_classes, dim, seed=0):
    """Vertices of a regular simplex, rotated into ``dim`` dimensions,
    scaled and shifted."""
    vertices = np.eye(num_classes) - 1.0 / num_classes
    rotation, _ = np.linalg.qr(
        np.random.RandomState(seed).randn(dim, num_classes))
    return vertices @ rotation.T * 3.0 + 0.7


def draw(means, per_class=6, noise=0.0, seed=1):
    rng = np.random.RandomState(seed)
    feats = np.repeat(means, per_class, 0)
    feats = feats + noise * rng.randn(*feats.shape)
    return feats, np.repeat(np.arange(len(means)), per_class)


def slow_nc1(feats, labels):
    """(1 / C) tr(Sigma_W pinv(Sigma_B)) with D x D matrices, as written in
    Papyan, Han & Donoho (2020), class means weighted alike."""
    classes = np.unique(labels)
    means = np.stack([feats[labels == c].mean(0) for c in classes])
    centred = means - means.mean(0)
    sigma_b = sum(np.outer(m, m) for m in centred) / len(classes)
    sigma_w = sum(
        sum(np.outer(r, r) for r in feats[labels == c] - means[i]) /
        (labels == c).sum() for i, c in enumerate(classes)) / len(classes)
    return np.trace(sigma_w @ np.linalg.pinv(sigma_b)) / len(classes)


def test_regular_simplex_is_perfect():
    """Every field, overall and per shot group, scores what a regular
    C-class simplex scores: a group's classes are measured against their
    place in the C-class simplex (cosine -1 / (C - 1)), not against a
    simplex of their own."""
    feats, labels = draw(simplex_means(C, 16))
    groups = shot_groups(COUNTS)
    report = neural_collapse(feats, labels, C, groups)
    perfect = dict(nc1=0, equinorm=0, etf_dev=0, collapsed_pairs=0,
                   min_angle=np.degrees(np.arccos(-1 / (C - 1))))
    expected = {f'{group}_{measure}': value for group in groups
                for measure, value in perfect.items()}
    expected.update(perfect)
    assert set(report) == set(expected)
    for key, value in expected.items():
        assert report[key] == pytest.approx(value, abs=1e-9), key


def test_collapsed_classes_are_counted():
    means = simplex_means(C, 16)
    means[6] = means[7] = means[5]  # three tail classes share one mean
    feats, labels = draw(means, noise=0.01)
    report = neural_collapse(feats, labels, C, shot_groups(COUNTS))
    assert report['collapsed_pairs'] == 3
    assert report['few_collapsed_pairs'] == 3
    assert report['many_collapsed_pairs'] == 0
    assert report['min_angle'] < 5
    assert report['etf_dev'] > 0.3
    assert report['few_etf_dev'] > report['many_etf_dev']


@pytest.mark.parametrize('seed', [0, 1, 2])
def test_nc1_matches_the_formula(seed):
    feats, labels = draw(simplex_means(C, 12, seed), per_class=5,
                         noise=0.5, seed=seed)
    report = neural_collapse(feats, labels, C)
    assert report['nc1'] == pytest.approx(slow_nc1(feats, labels),
                                          rel=1e-8)
    assert report['nc1'] > 0.01
    # more within-class noise, larger NC1
    noisier, _ = draw(simplex_means(C, 12, seed), per_class=5, noise=1.0,
                      seed=seed)
    assert neural_collapse(noisier, labels, C)['nc1'] > report['nc1']


def test_unequal_norms_raise_equinorm():
    means = simplex_means(C, 16) - 0.7  # centred at the origin
    means[:3] *= 2
    report = neural_collapse(*draw(means), C)
    assert report['equinorm'] > 0.2
    assert report['collapsed_pairs'] == 0


def samples(feats, labels, fields=('contrast_feat', 'backbone_feat')):
    out = []
    for feat, label in zip(feats, labels):
        sample = DataSample().set_gt_label(int(label))
        for field in fields:
            sample.set_field(torch.tensor(feat), field)
        out.append(sample.to_dict())
    return out


def test_metric_through_the_registry():
    feats, labels = draw(simplex_means(C, 16))
    metric = METRICS.build(dict(type='NeuralCollapse', class_counts=COUNTS))
    metric.process(None, samples(feats, labels))
    result = metric.evaluate(len(labels))
    assert result['nc/contrast/nc1'] == pytest.approx(0, abs=1e-6)
    assert result['nc/backbone/etf_dev'] == pytest.approx(0, abs=1e-6)
    assert 'nc/contrast/few_min_angle' in result


def test_missing_field_is_skipped_then_refused():
    feats, labels = draw(simplex_means(C, 16))
    metric = METRICS.build(dict(type='NeuralCollapse'))
    metric.process(None, samples(feats, labels, fields=('backbone_feat', )))
    result = metric.evaluate(len(labels))
    assert 'nc/backbone/nc1' in result
    assert not any(k.startswith('nc/contrast') for k in result)
    metric.process(None, samples(feats, labels, fields=()))
    with pytest.raises(KeyError, match='no data sample has any of'):
        metric.evaluate(len(labels))


def test_bad_arguments():
    with pytest.raises(ValueError, match=r'collapse_cos must be in'):
        METRICS.build(dict(type='NeuralCollapse', collapse_cos=1.5))
    with pytest.raises(ValueError, match='at least 2 classes'):
        neural_collapse(np.ones((3, 4)), np.zeros(3, dtype=int), 5)
