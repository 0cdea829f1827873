"""Class-aware samplers: target frequencies, DDP shards, determinism."""
from unittest import mock

import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmpretrain.registry import DATA_SAMPLERS

COUNTS = [400, 120, 40, 12, 4]  # a long tail of 576 images


class LabelDataset:
    """The least a sampler needs: labels and class names."""

    metainfo = dict(classes=[f'c{i}' for i in range(len(COUNTS))])

    def __init__(self, counts=COUNTS):
        self.labels = np.repeat(np.arange(len(counts)), counts)

    def get_gt_labels(self):
        return self.labels

    def __len__(self):
        return len(self.labels)


def build(rank=0, world_size=1, **cfg):
    with mock.patch('mmbcl.datasets.samplers.base.get_dist_info',
                    return_value=(rank, world_size)):
        return DATA_SAMPLERS.build(
            dict(seed=0, **cfg), default_args=dict(dataset=LabelDataset()))


def class_frequencies(sampler, epochs=20):
    labels = LabelDataset().labels
    seen = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        seen.extend(labels[list(sampler)])
    return np.bincount(seen, minlength=len(COUNTS)) / len(seen)


def power(q):
    w = np.array(COUNTS, dtype=float)**q
    return w / w.sum()


# (sampler config, expected class frequencies); tolerance 0.02 absolute
# over 20 epochs x 576 draws
CASES = [
    (dict(type='ClassAwareSampler'), np.full(5, 0.2)),
    (dict(type='RepeatFactorSampler', q=1.0), power(1.0)),
    (dict(type='RepeatFactorSampler', q=0.5), power(0.5)),
    (dict(type='RepeatFactorSampler', q=0.0), power(0.0)),
]


@pytest.mark.parametrize('cfg, target', CASES, ids=lambda c: str(c)[:40])
def test_class_frequencies(cfg, target):
    freq = class_frequencies(build(**cfg))
    np.testing.assert_allclose(freq, target, atol=0.02)


def test_progressively_balanced_moves_to_class_balanced():
    sampler = build(type='ProgressivelyBalancedSampler', num_epochs=10)
    for epoch, t in ((0, 0.0), (5, 0.5), (10, 1.0)):
        sampler.set_epoch(epoch)
        labels = LabelDataset().labels
        draws = np.concatenate([
            labels[list(sampler)] for _ in range(1)
        ] + [labels[sampler._global_order(torch.Generator().manual_seed(s))]
             for s in range(15)])
        freq = np.bincount(draws, minlength=5) / len(draws)
        target = (1 - t) * power(1.0) + t * power(0.0)
        np.testing.assert_allclose(freq, target, atol=0.02)


def test_class_aware_sees_every_image_of_a_class():
    sampler = build(type='ClassAwareSampler', num_samples=5 * 400)
    labels = LabelDataset().labels
    order = np.array(list(sampler))
    for c, n in enumerate(COUNTS):
        drawn = order[labels[order] == c]
        # every image of the class before any repeats
        first = drawn[:min(len(drawn), n)]
        assert len(set(first.tolist())) == len(first)


ALL = [
    dict(type='ClassAwareSampler'),
    dict(type='RepeatFactorSampler', q=0.5),
    dict(type='ProgressivelyBalancedSampler', num_epochs=4),
    dict(type='ClassComplementSampler', batch_size=16),
]


@pytest.mark.parametrize('cfg', ALL, ids=lambda c: c['type'])
def test_ddp_shards_disjoint_and_cover(cfg):
    """4 simulated ranks split exactly the single-process epoch."""
    single = build(**cfg)
    single.set_epoch(3)
    shards = []
    for rank in range(4):
        sampler = build(rank=rank, world_size=4, **cfg)
        sampler.set_epoch(3)
        shards.append(np.array(list(sampler)))
        assert len(shards[-1]) == len(sampler)
    assert len({len(s) for s in shards}) == 1  # equally long
    # ranks take interleaved positions (whole batches for the complement
    # sampler); put back together they are the one-process epoch
    unit = cfg.get('batch_size', 1)
    merged = np.stack([s.reshape(-1, unit) for s in shards], 1).reshape(-1)
    assert merged.tolist() == list(single)
    assert len(merged) >= len(LabelDataset())


@pytest.mark.parametrize('cfg', ALL, ids=lambda c: c['type'])
def test_deterministic(cfg):
    a, b = build(**cfg), build(**cfg)
    a.set_epoch(2), b.set_epoch(2)
    assert list(a) == list(b)
    b.set_epoch(3)
    assert list(a) != list(b)


def test_class_complement_covers_more_classes():
    labels = LabelDataset().labels
    complement = build(type='ClassComplementSampler', batch_size=8,
                       complement_ratio=0.5)
    instance = build(type='RepeatFactorSampler', q=1.0)

    def distinct_per_batch(order):
        batches = labels[np.array(order)[:len(order) // 8 * 8]].reshape(-1, 8)
        return np.mean([len(set(b)) for b in batches])

    assert distinct_per_batch(list(complement)) > distinct_per_batch(
        list(instance)) + 1
    # every complement batch holds at least min(C, 4 + distinct) classes
    for batch in labels[np.array(list(complement))].reshape(-1, 8):
        assert len(set(batch)) >= min(5, len(set(batch[:4])) + 1)


@pytest.mark.parametrize('cfg, match', [
    (dict(type='RepeatFactorSampler', q=2), 'q must be in'),
    (dict(type='ClassComplementSampler', batch_size=0), 'batch_size'),
    (dict(type='ProgressivelyBalancedSampler', num_epochs=0), 'num_epochs'),
    (dict(type='ClassAwareSampler', num_samples=-3), 'num_samples'),
])
def test_bad_arguments(cfg, match):
    with pytest.raises(ValueError, match=match):
        build(**cfg)


@pytest.mark.parametrize('epoch', [0, 1, 7])
def test_class_aware_visits_every_class_equally_each_epoch(epoch):
    """Kang et al.'s sampler cycles through the classes: in one epoch the
    class counts differ by at most one (i.i.d. class picks gave max / min
    1.64 over 3 epochs of a 10-class folder)."""
    sampler = build(type='ClassAwareSampler')
    sampler.set_epoch(epoch)
    counts = np.bincount(LabelDataset().labels[list(sampler)], minlength=5)
    assert counts.max() - counts.min() <= 1, counts
    # and the order is a sequence of shuffled passes over the classes
    labels = LabelDataset().labels[list(sampler)]
    for start in range(0, len(labels) - 5, 5):
        assert sorted(labels[start:start + 5]) == [0, 1, 2, 3, 4]


def test_class_aware_samples_per_class():
    sampler = build(type='ClassAwareSampler', samples_per_class=4)
    labels = LabelDataset().labels[list(sampler)]
    runs = labels[:len(labels) // 4 * 4].reshape(-1, 4)
    assert (runs == runs[:, :1]).all()  # 4 images of a class per visit
    counts = np.bincount(labels, minlength=5)
    assert counts.max() - counts.min() <= 4, counts


def test_class_aware_offers_kang_et_al_epoch_length():
    """``num_samples='largest_class'``: the largest class's size times the
    number of classes, as Kang et al.'s sampler; each class visited as
    often."""
    sampler = build(type='ClassAwareSampler', num_samples='largest_class')
    assert len(sampler) == max(COUNTS) * len(COUNTS)
    counts = np.bincount(LabelDataset().labels[list(sampler)], minlength=5)
    assert counts.tolist() == [max(COUNTS)] * len(COUNTS)
