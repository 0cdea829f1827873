"""ClassCountsHook: carry the training set's class counts where needed."""
import itertools
from typing import List, Optional

import numpy as np
import torch
import torch.nn as nn
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmpretrain.registry import HOOKS

from ...datasets.class_counts import get_class_counts, get_drawn_class_counts


def _receivers(objects):
    return [obj for obj in objects if hasattr(obj, 'set_class_counts')]


def model_device(model: nn.Module) -> Optional[torch.device]:
    """The device of the model's first parameter (or buffer), if any."""
    for tensor in itertools.chain(model.parameters(), model.buffers()):
        return tensor.device
    return None


def follow_device(module: nn.Module, device: Optional[torch.device]) -> None:
    """Move every buffer of ``module`` that is not on ``device`` there.

    The runner moves the model to its device (and wraps it in DDP) before
    any hook runs; state a ``set_*`` method creates afterwards must land
    on that device too, whatever the receiver does itself.
    """
    if device is None:
        return
    for owner in module.modules():
        for name, buffer in owner._buffers.items():
            if buffer is not None and buffer.device != device:
                owner._buffers[name] = buffer.to(device)


def give_to_model(model: nn.Module, method: str, value) -> None:
    """Call ``method(value)`` on every module of ``model`` that has it; what
    a receiver creates then follows the model's device."""
    device = model_device(model)
    for module in model.modules():
        if hasattr(module, method):
            getattr(module, method)(value)
            follow_device(module, device)


@HOOKS.register_module()
class ClassCountsHook(Hook):
    """Give the training set's class counts to the model and the metrics.

    Long-tailed methods need two distributions, never to be confused:

    * the *source* counts, what the training set holds (dataset wrappers
      that repeat or rebalance items looked through): head checks
      (``BCLHead``'s ``num_classes``) and metrics (``ShotAccuracy``'s many /
      medium / few split) use them, and checkpoints store them;
    * the *drawn* frequencies, the labels the loader really feeds the
      model: logit adjustment (``LogitAdjustLoss``) must remove this prior,
      or an imbalance a sampler or wrapper already corrected is corrected
      twice.

    Nobody types a count list into a config: this hook

    * before training, counts the training dataset and calls
      ``set_class_counts`` (source counts) on every model module that has
      it, then ``set_class_prior`` (drawn frequencies) on every module that
      has that; whatever state a receiver creates lands on the model's
      device (the runner has moved the model by then), so it works on GPUs,
      under DDP and after resuming;
    * takes the drawn frequencies from a class-aware sampler (one with
      ``class_frequencies``; before training and every epoch, since the
      progressive one moves), else from one pass over the dataset as its
      wrappers yield it (``ClassBalancedDataset`` repeats, ``RepeatDataset``,
      ``ConcatDataset``: :func:`get_drawn_class_counts`);
    * stores the source counts in every checkpoint (``meta['class_counts']``)
      and reads them back when a checkpoint is loaded, so a test-only run
      from a checkpoint knows them;
    * before validation and testing, calls ``set_class_counts`` on every
      evaluator metric that has it. Metrics collect their results on the
      CPU (MMEngine's ``BaseMetric`` does), so their counts stay there.

    mmbcl's base runtime config adds it to ``custom_hooks``.
    """

    priority = 'VERY_HIGH'

    def __init__(self):
        self.class_counts: Optional[List[int]] = None

    def _set_counts(self, runner, counts, source: str) -> None:
        self.class_counts = [int(c) for c in counts]
        give_to_model(runner.model, 'set_class_counts', self.class_counts)
        print_log(
            f'ClassCountsHook: {len(self.class_counts)} classes, '
            f'{sum(self.class_counts)} training images (from {source})',
            logger='current')

    def before_train(self, runner) -> None:
        dataset = runner.train_dataloader.dataset
        self._set_counts(runner, get_class_counts(dataset),
                         'the training dataset')
        sampler = getattr(runner.train_dataloader, 'sampler', None)
        if hasattr(sampler, 'class_frequencies'):
            self._set_sampled_prior(runner)
            source = f'{type(sampler).__name__}\'s class frequencies'
        else:
            drawn = get_drawn_class_counts(dataset)
            give_to_model(runner.model, 'set_class_prior', drawn)
            source = 'the class counts'
            if not np.array_equal(drawn, self.class_counts):
                source = (f'the labels {type(dataset).__name__} yields in '
                          f'an epoch ({int(drawn.sum())} items)')
        print_log(f'ClassCountsHook: logit adjustment removes the prior of '
                  f'the labels drawn: {source}', logger='current')

    def before_train_epoch(self, runner) -> None:
        self._set_sampled_prior(runner)

    def _set_sampled_prior(self, runner) -> None:
        """Under a class-aware sampler, give ``set_class_prior`` receivers
        (``LogitAdjustLoss``) the sampler's class frequencies of this epoch
        (the progressive sampler's move every epoch)."""
        sampler = getattr(runner.train_dataloader, 'sampler', None)
        frequencies = getattr(sampler, 'class_frequencies', None)
        if frequencies is not None:
            give_to_model(runner.model, 'set_class_prior',
                          frequencies(runner.epoch))

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        if self.class_counts is not None:
            checkpoint.setdefault('meta', {})['class_counts'] = list(
                self.class_counts)

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        counts = checkpoint.get('meta', {}).get('class_counts')
        if counts is not None:
            self._set_counts(runner, counts, 'the checkpoint')

    def _to_metrics(self, evaluator) -> None:
        if self.class_counts is None:
            return  # a metric that needs counts says so itself
        for metric in _receivers(evaluator.metrics):
            metric.set_class_counts(self.class_counts)

    def before_val(self, runner) -> None:
        self._to_metrics(runner.val_evaluator)

    def before_test(self, runner) -> None:
        self._to_metrics(runner.test_evaluator)
