"""BatchSizeCheckHook refuses a loader a contrastive model cannot learn
from, before training, and leaves other models alone."""
from types import SimpleNamespace
from unittest import mock

import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import DefaultSampler
from torch.utils.data import DataLoader

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import BatchSizeCheckHook, tiny_last_batch
from mmbcl.errors import ConfigError
from mmpretrain.registry import DATASETS, HOOKS, MODELS

DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'


def runner(model, batch_size, sampler=None, drop_last=False):
    loader = SimpleNamespace(batch_size=batch_size, sampler=sampler,
                             drop_last=drop_last)
    return SimpleNamespace(model=model, train_dataloader=loader)


def test_builds_from_its_registered_name():
    assert isinstance(HOOKS.build(dict(type='BatchSizeCheckHook')),
                      BatchSizeCheckHook)


def test_batch_size_one_refused():
    model = MODELS.build(Config.fromfile(DEMO).model)
    with pytest.raises(ConfigError, match='batch_size=1: BCLClassifier'):
        BatchSizeCheckHook().before_train(runner(model, 1))
    BatchSizeCheckHook().before_train(runner(model, 2))


def test_a_tiny_last_batch_is_refused_with_the_key_to_set():
    model = MODELS.build(Config.fromfile(DEMO).model)
    with pytest.raises(ConfigError, match=r'hold 1 image\(s\).*3 rows.*'
                       r'drop_last=True'):
        BatchSizeCheckHook().before_train(runner(model, 16, range(65)))


def test_other_models_pass_unchecked():
    BatchSizeCheckHook().before_train(runner(torch.nn.Linear(1, 1), 1,
                                             range(65)))


@pytest.mark.parametrize('batch, world, drop_last, last', [
    (64, 1, False, 1),  # 1,345 images: 21 batches and 1 image
    (64, 1, True, 0),
    (48, 1, False, 1),
    (32, 2, False, 1),  # 673 per process
    (60, 1, False, 25),  # a last batch of 25 (more than a quarter) is fine
])
def test_tiny_last_batch(batch, world, drop_last, last):
    """A user's long-tailed folder left 1 image in the last batch: BCL
    ended at 42-56 % against 88-92 % with drop_last. Such a loader is
    refused before training (``test_bad_input.py`` has the whole message)."""
    dataset = DATASETS.build(dict(type='SyntheticLT', n_max=543))
    assert len(dataset) == 1345
    with mock.patch('mmengine.dataset.sampler.get_dist_info',
                    return_value=(0, world)):
        sampler = DefaultSampler(dataset, seed=0)
    loader = DataLoader(dataset, batch_size=batch, sampler=sampler,
                        drop_last=drop_last)
    expected = last if last < max(2, batch // 4) else 0
    assert tiny_last_batch(loader) == expected
