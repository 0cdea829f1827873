import os
import os.path as osp

import numpy as np
import pytest

import mmbcl  # noqa: F401
from mmpretrain.registry import DATASETS
from tests.lt_lists import fixture, full_list


def build(type_, ann_file, **kwargs):
    return DATASETS.build(
        dict(type=type_, ann_file=ann_file, data_root='/nonexistent',
             check_files=False, **kwargs))


def check_first_line(dataset, path):
    first = open(path).readline().split()
    info = dataset.get_data_info(0)
    assert info['img_path'] == osp.join('/nonexistent', first[0])
    assert info['gt_label'] == int(first[1])


def counts_of(path, classes):
    labels = [int(line.split()[1]) for line in open(path) if line.strip()]
    return np.bincount(labels, minlength=classes)


@pytest.mark.parametrize('type_, name, classes', [
    ('ImageNetLT', 'ImageNet_LT_val_one_per_class.txt', 1000),
    ('ImageNetLT', 'ImageNet_LT_test_first300.txt', 1000),
    ('INaturalist2018', 'iNaturalist18_val_first300.txt', 8142),
])
def test_list_fixtures(type_, name, classes):
    """Excerpts of the real lists, shipped with the repository."""
    path = fixture(name)
    dataset = build(type_, path)
    assert len(dataset.class_counts) == classes
    np.testing.assert_array_equal(dataset.class_counts,
                                  counts_of(path, classes))
    assert len(dataset) == sum(1 for line in open(path) if line.strip())
    check_first_line(dataset, path)


def test_one_per_class_fixture_covers_every_class():
    dataset = build('ImageNetLT', fixture('ImageNet_LT_val_one_per_class.txt'))
    np.testing.assert_array_equal(dataset.class_counts, np.ones(1000))


@pytest.mark.parametrize('type_, name, classes, per_class', [
    ('ImageNetLT', 'ImageNet_LT_val.txt', 1000, 20),
    ('ImageNetLT', 'ImageNet_LT_test.txt', 1000, 50),
    ('INaturalist2018', 'iNaturalist18_val.txt', 8142, 3),
])
def test_full_list_files(type_, name, classes, per_class):
    """The whole benchmark lists (skipped where ../shared is absent)."""
    path = full_list(name)
    dataset = build(type_, path)
    assert len(dataset.class_counts) == classes
    assert set(dataset.class_counts.tolist()) == {per_class}
    check_first_line(dataset, path)


def write(tmp_path, text):
    path = tmp_path / 'list.txt'
    path.write_text(text)
    return str(path)


def test_missing_list_file(tmp_path):
    with pytest.raises(FileNotFoundError, match='nope.txt'):
        build('ImageNetLT', str(tmp_path / 'nope.txt'))


@pytest.mark.parametrize('text, match', [
    ('a/b.jpg 0\na/c.jpg\n', r'line 2: .*expected "relative/path label"'),
    ('a/b.jpg 0\n\na/c.jpg x\n', r'line 3: .*integer label'),
    ('a/b.jpg 0\na/c.jpg 1000\n', r'line 2: .*label 1000 outside'),
    ('a/b.jpg -1\n', r'line 1: .*label -1 outside \[0, 1000\)'),
])
def test_bad_lines(tmp_path, text, match):
    with pytest.raises(ValueError, match=match):
        build('ImageNetLT', write(tmp_path, text))


def test_missing_image_named(tmp_path):
    os.makedirs(tmp_path / 'train')
    (tmp_path / 'train' / 'ok.jpg').write_bytes(b'x')
    ann = write(tmp_path, 'train/ok.jpg 0\ntrain/gone.jpg 1\n')
    with pytest.raises(FileNotFoundError, match='train/gone.jpg'):
        DATASETS.build(
            dict(type='PlacesLT', ann_file=ann, data_root=str(tmp_path)))


def test_class_counts_feed_the_hook():
    from mmbcl.datasets import get_class_counts
    path = fixture('ImageNet_LT_test_first300.txt')
    dataset = build('ImageNetLT', path)
    np.testing.assert_array_equal(get_class_counts(dataset),
                                  counts_of(path, 1000))
