import os

import cv2
import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmbcl.datasets import LongTailDataset, get_class_counts, long_tail_profile
from mmpretrain.registry import DATASETS


def custom_folder(root, per_class=30, classes=('ant', 'bee', 'cat', 'dog')):
    """An ImageNet-style class-folder tree CustomDataset reads."""
    for name in classes:
        os.makedirs(os.path.join(root, name))
        for i in range(per_class):
            cv2.imwrite(os.path.join(root, name, f'{i}.png'),
                        np.full((4, 4, 3), i, dtype=np.uint8))


def test_wraps_custom_dataset_folder(tmp_path):
    custom_folder(str(tmp_path))
    dataset = DATASETS.build(
        dict(type='LongTailDataset', imb_factor=0.1,
             dataset=dict(type='CustomDataset', data_root=str(tmp_path),
                          pipeline=[dict(type='LoadImageFromFile')])))
    want = long_tail_profile(30, 4, 0.1)
    assert dataset.class_counts.tolist() == want
    assert get_class_counts(dataset).tolist() == want
    assert len(dataset) == sum(want)
    assert dataset[len(dataset) - 1]['img'].shape == (4, 4, 3)
    assert dataset.metainfo['classes'] == ('ant', 'bee', 'cat', 'dog')


def test_lazy_init_respected(tmp_path):
    custom_folder(str(tmp_path))
    cfg = dict(type='CustomDataset', data_root=str(tmp_path), lazy_init=True)
    dataset = LongTailDataset(cfg, imb_factor=0.5, lazy_init=True)
    assert not dataset.dataset._fully_initialized
    assert len(dataset) == sum(long_tail_profile(30, 4, 0.5))


class AscendingDataset:
    """A source whose rarest class comes first: counts 10, 20, 40, 80."""

    metainfo = dict(classes=('a', 'b', 'c', 'd'))

    def __init__(self):
        self.labels = np.repeat(np.arange(4), [10, 20, 40, 80])

    def get_gt_labels(self):
        return self.labels

    def get_data_info(self, idx):
        return dict(gt_label=int(self.labels[idx]), idx=idx)

    __getitem__ = get_data_info


def test_frequency_order():
    dataset = LongTailDataset(
        AscendingDataset(), imb_factor=0.1, class_order='frequency')
    # the most frequent class (d) is rank 0 and keeps all 80
    assert dataset.class_counts.tolist() == long_tail_profile(80, 4,
                                                              0.1)[::-1]
    assert dataset[len(dataset) - 1]['gt_label'] == 3
    with pytest.raises(ValueError, match='class 0 has 10 images, fewer'):
        LongTailDataset(AscendingDataset(), imb_factor=0.1)


class NearlyBalanced(AscendingDataset):
    """A user's folder: 10 classes of 395-420 images."""

    def __init__(self):
        counts = [395, 410, 420, 400, 399, 405, 415, 398, 402, 401]
        self.labels = np.repeat(np.arange(10), counts)
        self.metainfo = dict(classes=[str(c) for c in range(10)])


def test_rho_100_at_most_400_a_class_from_a_folder():
    """"ρ = 100 from my folder, at most 400 a class", in the given order:
    n_max caps the head; a profile the folder cannot give says which n_max
    it can."""
    dataset = LongTailDataset(NearlyBalanced(), imb_factor=0.01, n_max=390)
    assert dataset.class_counts.tolist() == long_tail_profile(390, 10, 0.01)
    with pytest.raises(ValueError) as error:
        LongTailDataset(NearlyBalanced(), imb_factor=0.01)  # n_max 420
    assert 'class 0 has 395 images, fewer than the 420' in str(error.value)
    assert 'set n_max=395 or less' in str(error.value)
    dataset = LongTailDataset(NearlyBalanced(), imb_factor=0.01, n_max=395)
    assert dataset.class_counts[0] == 395


def test_step_profile():
    dataset = LongTailDataset(
        dict(type='SyntheticLT', split='test', test_per_class=20,
             num_classes=4), imb_factor=0.25, imb_type='step')
    assert dataset.class_counts.tolist() == [20, 20, 5, 5]


@pytest.mark.parametrize('kwargs, match', [
    (dict(imb_factor=0), 'imb_factor must be in'),
    (dict(imb_factor=1.5), 'imb_factor must be in'),
    (dict(imb_factor=-1), 'imb_factor must be in'),
    (dict(imb_type='linear'), 'imb_type must be one of'),
    (dict(class_order='random'), 'class_order must be one of'),
    (dict(n_max=0), 'n_max must be a positive int'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        LongTailDataset(dict(type='SyntheticLT', split='test'), **kwargs)


SOURCE = dict(type='SyntheticLT', split='test', test_per_class=40)


@pytest.fixture(autouse=True)
def mmpretrain_scope():
    """MMEngine's wrappers build what they wrap in the default scope, which
    a runner sets from the config (``default_scope='mmpretrain'``)."""
    from mmengine.registry import DefaultScope
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        yield


LT = dict(type='LongTailDataset', dataset=SOURCE, imb_factor=0.1)
LT_COUNTS = [40, 30, 23, 18, 14, 11, 8, 6, 5, 4]


def label_counts(dataset):
    from mmbcl.datasets.class_counts import get_labels
    return np.bincount(get_labels(dataset), minlength=10)


def test_class_balanced_dataset_oversamples_the_tail():
    """MMEngine's ClassBalancedDataset wraps LongTailDataset (it needs
    get_cat_ids) and repeats the rare classes."""
    wrapped = DATASETS.build(
        dict(type='ClassBalancedDataset', dataset=LT, oversample_thr=0.1))
    counts = label_counts(wrapped)
    assert (counts >= np.array(LT_COUNTS)).all()
    # repeat factor max(1, sqrt(0.1 / f)): 2 for the rarest class (f < 0.025)
    assert counts[-1] == 2 * LT_COUNTS[-1]
    assert counts[-1] / counts.sum() > LT_COUNTS[-1] / sum(LT_COUNTS)
    assert counts[0] == LT_COUNTS[0]  # frequent classes are not repeated
    item = wrapped[len(wrapped) - 1]
    assert item['gt_label'] == wrapped.get_cat_ids(len(wrapped) - 1)[0]


def test_long_tail_of_a_class_balanced_dataset():
    source = dict(type='ClassBalancedDataset', oversample_thr=0.1,
                  dataset=dict(SOURCE, test_per_class=10))
    dataset = DATASETS.build(
        dict(type='LongTailDataset', dataset=source, imb_factor=0.1))
    assert dataset.class_counts.tolist() == long_tail_profile(10, 10, 0.1)


def test_repeat_and_concat_either_order():
    repeated = DATASETS.build(dict(type='RepeatDataset', dataset=LT,
                                   times=3))
    assert len(repeated) == 3 * sum(LT_COUNTS)
    np.testing.assert_array_equal(repeated.get_data_info(0)['img'],
                                  DATASETS.build(LT).get_data_info(0)['img'])
    concat = DATASETS.build(dict(type='ConcatDataset', datasets=[LT, LT]))
    assert label_counts(concat).tolist() == [2 * c for c in LT_COUNTS]
    assert get_class_counts(concat).tolist() == [2 * c for c in LT_COUNTS]
    inner = DATASETS.build(dict(
        type='LongTailDataset', imb_factor=0.1,
        dataset=dict(type='ConcatDataset', datasets=[SOURCE, SOURCE])))
    assert inner.class_counts.tolist() == long_tail_profile(80, 10, 0.1)
    over_repeat = DATASETS.build(dict(
        type='LongTailDataset', imb_factor=0.1,
        dataset=dict(type='RepeatDataset', dataset=SOURCE, times=2)))
    assert over_repeat.class_counts.tolist() == long_tail_profile(
        80, 10, 0.1)


def test_wrapper_conventions():
    lazy = DATASETS.build(dict(LT, lazy_init=True))
    assert not lazy._fully_initialized
    assert lazy.metainfo['classes'] == DATASETS.build(SOURCE).metainfo[
        'classes']
    assert lazy.get_cat_ids(0) == [0]  # initialises on first use
    assert lazy._fully_initialized
