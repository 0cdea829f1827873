import os
import os.path as osp
import pickle

import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmbcl.datasets import CIFAR10LT, CIFAR100LT, long_tail_profile
from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.registry import DATASETS


def fake_cifar(root, cls, per_class):
    """Write a tiny CIFAR in the real pickle layout."""
    folder = osp.join(root, cls.base_folder)
    os.makedirs(folder, exist_ok=True)
    num_classes = len(cls.METAINFO['classes'])
    key = 'labels' if cls is CIFAR10LT else 'fine_labels'
    rng = np.random.RandomState(0)
    files = cls.train_list + cls.test_list
    for i, (name, _) in enumerate(files):
        labels = np.repeat(np.arange(num_classes), per_class)
        rng.shuffle(labels)
        data = rng.randint(0, 256, (len(labels), 3072), dtype=np.uint8)
        data[:, 0] = i  # tag the file an image came from
        with open(osp.join(folder, name), 'wb') as f:
            pickle.dump({'data': data, key: labels.tolist()}, f)


@pytest.fixture
def no_md5(monkeypatch):
    for cls in (CIFAR10, CIFAR100):
        monkeypatch.setattr(cls, '_check_integrity', lambda self: True)


@pytest.mark.parametrize('cls', [CIFAR10LT, CIFAR100LT])
def test_cifar_lt_counts(tmp_path, no_md5, cls):
    per_class = 4 if cls is CIFAR10LT else 5  # per file
    fake_cifar(str(tmp_path), cls, per_class)
    num_classes = len(cls.METAINFO['classes'])
    n_max = per_class * len(cls.train_list)
    train = DATASETS.build(
        dict(type=cls.__name__, data_root=str(tmp_path), split='train',
             imb_factor=0.2, download=False))
    want = long_tail_profile(n_max, num_classes, 0.2)
    assert train.class_counts.tolist() == want
    test = DATASETS.build(
        dict(type=cls.__name__, data_root=str(tmp_path), split='test',
             download=False))
    assert test.class_counts.tolist() == [per_class] * num_classes


def test_cifar10_lt_selection_is_ldams(tmp_path, no_md5):
    from .test_long_tail_profile import ldam_selection
    fake_cifar(str(tmp_path), CIFAR10LT, 20)
    full = DATASETS.build(
        dict(type='CIFAR10', data_root=str(tmp_path), download=False))
    lt = CIFAR10LT(data_root=str(tmp_path), imb_factor=0.1, download=False)
    labels = full.get_gt_labels()
    keep = ldam_selection(labels, long_tail_profile(100, 10, 0.1))
    want = np.stack([full.get_data_info(i)['img'] for i in keep])
    got = np.stack([lt.get_data_info(i)['img'] for i in range(len(lt))])
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize('bad', [0, 1.5, -0.01])
def test_bad_imb_factor(bad):
    with pytest.raises(ValueError, match='CIFAR10LT: imb_factor must be'):
        CIFAR10LT(data_root='unused', imb_factor=bad, lazy_init=True)


def test_empty_class_after_subsampling(tmp_path, no_md5):
    fake_cifar(str(tmp_path), CIFAR10LT, 2)  # 10 images per class
    with pytest.raises(ValueError, match=r'class \d would be empty'):
        CIFAR10LT(data_root=str(tmp_path), imb_factor=0.05, download=False)
