"""ProCoEstimatorHook swaps ProCoLoss's estimates every epoch, and
refuses a loop without epochs."""
from types import SimpleNamespace

import pytest
from mmengine.config import Config
from mmengine.runner import EpochBasedTrainLoop, IterBasedTrainLoop

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import ProCoEstimatorHook
from mmbcl.errors import ConfigError
from mmpretrain.registry import HOOKS, MODELS

PROCO_DEMO = 'configs/proco/resnet8_synthetic_lt_demo.py'
BCL_DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'


def runner(config, loop=EpochBasedTrainLoop, epoch=0, seed=3):
    model = MODELS.build(Config.fromfile(config).model)
    return SimpleNamespace(model=model, epoch=epoch, seed=seed,
                           train_loop=object.__new__(loop))


def test_builds_from_its_registered_name():
    assert isinstance(HOOKS.build(dict(type='ProCoEstimatorHook')),
                      ProCoEstimatorHook)


def test_every_epoch_start_swaps_the_estimates():
    run = runner(PROCO_DEMO, epoch=5)
    loss = run.model.head.contrast_loss
    loss.next_estimate.count.fill_(7)
    hook = ProCoEstimatorHook()
    hook.before_train(run)
    hook.before_train_epoch(run)
    assert loss.estimate.count.tolist() == [7.0] * 10
    assert loss.next_estimate.count.sum() == 0
    fresh = loss.next_estimate.mean.clone()
    again = runner(PROCO_DEMO, epoch=5)
    hook.before_train_epoch(again)  # the same draw on a resumed run
    assert (again.model.head.contrast_loss.next_estimate.mean == fresh).all()


def test_iteration_based_loop_is_refused():
    with pytest.raises(ConfigError, match='epoch-based.*IterBasedTrainLoop'):
        ProCoEstimatorHook().before_train(
            runner(PROCO_DEMO, loop=IterBasedTrainLoop))


def test_models_without_proco_are_left_alone():
    run = runner(BCL_DEMO, loop=IterBasedTrainLoop)
    ProCoEstimatorHook().before_train(run)
    ProCoEstimatorHook().before_train_epoch(run)
