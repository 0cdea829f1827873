"""BalancedPasteSampler: class-balanced paste draws on 1 and 2 processes,
disjoint per rank, reproducible per seed and epoch (so a resumed run
repeats them), and the CutMix plans' distribution."""
import os

import numpy as np
import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import mmbcl  # noqa: F401
from mmpretrain.registry import DATA_SAMPLERS
from tests.test_models.test_utils.test_gather import free_port

COUNTS = [400, 120, 40, 12, 4, 2]  # 578 images, rho = 200
EPOCHS = 30


class PasteDataset:
    """What the sampler reads: labels, class names and a paste pipeline
    (the mark of a ``BalancedPasteDataset``)."""

    metainfo = dict(classes=[f'c{i}' for i in range(len(COUNTS))])
    paste_pipeline = None

    def __init__(self):
        self.labels = np.repeat(np.arange(len(COUNTS)), COUNTS)

    def get_gt_labels(self):
        return self.labels

    def __len__(self):
        return len(self.labels)


def build(seed=0, **cfg):
    return DATA_SAMPLERS.build(
        dict(type='BalancedPasteSampler', seed=seed, **cfg),
        default_args=dict(dataset=PasteDataset()))


def draws(sampler, epochs=EPOCHS):
    """Per epoch, the keys the sampler yields, as an array."""
    out = []
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        out.append(np.array(list(sampler), dtype=np.float64))
    return out


def assert_follows(labels, probs, what):
    """Every class's count within 5 standard deviations of its binomial
    expectation."""
    n = len(labels)
    counts = np.bincount(labels, minlength=len(probs))
    sigma = np.sqrt(n * probs * (1 - probs))
    assert (np.abs(counts - n * probs) <= 5 * sigma + 1e-9).all(), (
        what, counts, n * probs)


def test_paste_classes_are_balanced_and_the_batch_keeps_its_images():
    keys = np.concatenate(draws(build()))
    labels = PasteDataset().labels
    uniform = np.full(len(COUNTS), 1 / len(COUNTS))
    assert_follows(labels[keys[:, 1].astype(int)], uniform, 'pasted')
    # the batch's own images: DefaultSampler's, each once an epoch
    for epoch in draws(build(), 2):
        assert sorted(epoch[:, 0].astype(int)) == list(range(sum(COUNTS)))
    # a head-class-heavy draw would be far outside the tolerance
    with pytest.raises(AssertionError):
        assert_follows(labels[keys[:, 0].astype(int)], uniform, 'own')


@pytest.mark.parametrize('paste_classes, weight', [
    ('reversed', 400 / np.array(COUNTS, float)),
    ('instance', np.array(COUNTS, float)),
])
def test_other_paste_distributions(paste_classes, weight):
    keys = np.concatenate(draws(build(paste_classes=paste_classes)))
    assert_follows(PasteDataset().labels[keys[:, 1].astype(int)],
                   weight / weight.sum(), paste_classes)


def test_plans_follow_concutmix():
    """Paste with probability cutmix_prob, lam ~ Beta(1, 1), the box
    centre uniform."""
    plans = np.concatenate(draws(build(cutmix_prob=0.3)))[:, 2:]
    n = len(plans)
    assert abs(plans[:, 0].mean() - 0.3) < 5 * np.sqrt(0.21 / n)
    assert set(np.unique(plans[:, 0])) == {0.0, 1.0}
    for column in plans[:, 1:].T:  # uniform on [0, 1)
        assert column.min() >= 0 and column.max() < 1
        assert abs(column.mean() - 0.5) < 5 * np.sqrt(1 / 12 / n)
        assert np.histogram(column, 10, (0, 1))[0].min() > n / 10 * 0.8


def test_same_seed_and_epoch_same_draws_as_after_a_resume():
    straight = draws(build(seed=3), 4)
    resumed = build(seed=3)
    resumed.set_epoch(2)  # what the loop does when it resumes epoch 2
    np.testing.assert_array_equal(np.array(list(resumed)), straight[2])
    assert not np.array_equal(straight[2], straight[3])
    assert not np.array_equal(draws(build(seed=4), 1)[0][:, 1],
                              straight[0][:, 1])


def test_class_frequencies_are_the_inner_samplers():
    assert not hasattr(build(), 'class_frequencies')  # DefaultSampler
    aware = build(sampler=dict(type='ClassAwareSampler'))
    np.testing.assert_allclose(aware.class_frequencies(0),
                               np.full(len(COUNTS), 1 / len(COUNTS)))


def test_errors_name_the_value():
    with pytest.raises(ValueError, match=r'cutmix_prob must be in \[0, 1\], '
                       'got 1.5'):
        build(cutmix_prob=1.5)
    with pytest.raises(ValueError, match="paste_classes must be one of .* "
                       "got 'tail'"):
        build(paste_classes='tail')
    with pytest.raises(TypeError, match='BalancedPasteDataset.*got list'):
        DATA_SAMPLERS.build(dict(type='BalancedPasteSampler', seed=0),
                            default_args=dict(dataset=[]))


def worker(rank, port, out_file):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=2)
    sampler = build(seed=None)  # synced across the ranks
    torch.save(dict(seed=sampler.seed, keys=draws(sampler)),
               f'{out_file}.{rank}')
    dist.barrier()
    dist.destroy_process_group()


def test_two_processes_draw_disjoint_parts_of_one_balanced_sequence(
        tmp_path):
    """Under 2 gloo processes each rank draws its own positions of the
    sequence one process draws with the same seed: disjoint, together the
    whole, and balanced on each rank."""
    out_file = str(tmp_path / 'rank')
    # forked: the workers need no second import of torch and mmbcl
    mp.start_processes(worker, args=(free_port(), out_file), nprocs=2,
                       start_method='fork')
    ranks = [torch.load(f'{out_file}.{r}', weights_only=False)
             for r in range(2)]
    assert ranks[0]['seed'] == ranks[1]['seed']
    single = draws(build(seed=ranks[0]['seed']))
    labels = PasteDataset().labels
    uniform = np.full(len(COUNTS), 1 / len(COUNTS))
    for epoch, whole in enumerate(single):
        parts = [r['keys'][epoch] for r in ranks]
        assert len(parts[0]) == len(parts[1]) == len(whole) // 2
        np.testing.assert_array_equal(parts[0][:, 1:], whole[0::2, 1:])
        np.testing.assert_array_equal(parts[1][:, 1:], whole[1::2, 1:])
        # the batch's own images: DefaultSampler's disjoint shards
        assert not set(parts[0][:, 0]) & set(parts[1][:, 0])
    for rank in ranks:
        pasted = np.concatenate(rank['keys'])[:, 1].astype(int)
        assert_follows(labels[pasted], uniform, 'one rank')
