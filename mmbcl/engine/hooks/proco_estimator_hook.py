"""ProCoEstimatorHook: ProCo's per-epoch swap of its class estimates."""
from mmengine.hooks import Hook
from mmengine.runner import EpochBasedTrainLoop

from mmpretrain.registry import HOOKS

from ...errors import ConfigError


def _estimators(runner):
    # a wrapper's modules() includes the wrapped model's
    return [m for m in runner.model.modules() if hasattr(m, 'start_epoch')]


@HOOKS.register_module()
class ProCoEstimatorHook(Hook):
    """At every epoch start, call ``start_epoch(epoch, seed)`` on the
    model's ``ProCoLoss`` (the official ``_hook_before_epoch``); nothing
    for a model without one. mmbcl's base runtime lists it, so any BCL
    config becomes ProCo by its ``contrast_loss`` alone.

    The loss then uses the estimate gathered since the previous epoch
    started, and begins a fresh one. The swap depends only on the epoch
    and the run's seed, so a resumed run swaps exactly as the
    uninterrupted one. It runs after the runner has loaded a checkpoint,
    so the restored estimates are the ones swapped.
    """

    priority = 'NORMAL'

    def before_train(self, runner) -> None:
        if _estimators(runner) and not isinstance(runner.train_loop,
                                                  EpochBasedTrainLoop):
            raise ConfigError(
                'ProCoLoss swaps its class estimates every epoch, so it '
                'needs an epoch-based train_cfg (by_epoch=True, '
                f'max_epochs=...), got {type(runner.train_loop).__name__}')

    def before_train_epoch(self, runner) -> None:
        for module in _estimators(runner):
            module.start_epoch(runner.epoch, seed=runner.seed or 0)
