import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmpretrain.registry import DATASETS


def build(**kwargs):
    return DATASETS.build(dict(type='SyntheticLT', **kwargs))


def test_long_tailed_train_balanced_test():
    train = build(split='train')
    assert train.class_counts.tolist() == [
        500, 299, 179, 107, 64, 38, 23, 13, 8, 5]
    test = build(split='test', test_per_class=7)
    assert test.class_counts.tolist() == [7] * 10
    img = train.get_data_info(0)['img']
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8


def test_deterministic_and_seeded():
    a = build(split='test', test_per_class=3)
    b = build(split='test', test_per_class=3)
    c = build(split='test', test_per_class=3, seed=1)
    img = lambda ds, i: ds.get_data_info(i)['img']  # noqa: E731
    np.testing.assert_array_equal(img(a, 5), img(b, 5))
    assert not np.array_equal(img(a, 5), img(c, 5))


def test_bad_arguments():
    with pytest.raises(ValueError, match='imb_factor must be in'):
        build(imb_factor=2)
    with pytest.raises(ValueError, match=r'class \d would be empty'):
        build(n_max=50, imb_factor=0.01)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        build(split='val')
