"""Source counts look through wrappers; drawn counts are what one epoch of
the wrapper yields; labels are read from any dataset or wrapper."""
import numpy as np
import pytest
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmbcl.datasets import get_class_counts, get_labels
from mmbcl.datasets.class_counts import get_drawn_class_counts
from mmpretrain.registry import DATASETS

SOURCE = dict(type='SyntheticLT', n_max=20, imb_factor=0.1, num_classes=3)


def build(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(cfg)


def test_a_long_tailed_dataset_counts_its_classes():
    ds = build(SOURCE)
    counts = get_class_counts(ds)
    assert counts.dtype == np.int64 and counts[0] == 20 and counts[-1] == 2
    assert np.array_equal(np.bincount(get_labels(ds)), counts)


@pytest.mark.parametrize('wrapper, drawn_factor', [
    (dict(type='RepeatDataset', times=3), 3),
    (dict(type='ConcatDataset'), 2),
])
def test_wrappers_keep_the_source_and_draw_their_own(wrapper, drawn_factor):
    source = get_class_counts(build(SOURCE))
    if wrapper['type'] == 'ConcatDataset':
        cfg = dict(wrapper, datasets=[SOURCE, SOURCE])
    else:
        cfg = dict(wrapper, dataset=SOURCE)
    ds = build(cfg)
    expected_source = source * (2 if wrapper['type'] == 'ConcatDataset'
                                else 1)
    assert np.array_equal(get_class_counts(ds), expected_source)
    assert np.array_equal(get_drawn_class_counts(ds), source * drawn_factor)
    assert len(get_labels(ds)) == int((source * drawn_factor).sum())


def test_a_dataset_without_labels_is_named():
    with pytest.raises(TypeError, match='cannot count classes of list'):
        get_class_counts([1, 2, 3])
