"""NonFiniteLossHook: stop a diverged run, under every precision."""
import glob
import os.path as osp
from typing import Optional

import torch
from mmengine import dist
from mmengine.hooks import Hook
from mmengine.logging import print_log
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS

from ...utils.checkpoint import RESUMABLE_NAME, is_resumable_checkpoint


class TrainingDivergedError(RuntimeError):
    """The run has diverged; the message says how, and where to resume."""


def has_loss_scaler(optim_wrapper) -> bool:
    """Whether ``optim_wrapper`` (or one of an ``OptimWrapperDict``'s)
    scales the loss, as MMEngine's ``AmpOptimWrapper`` does (for bf16 too)."""
    wrappers = getattr(optim_wrapper, 'optim_wrappers', None)
    if isinstance(wrappers, dict):
        return any(has_loss_scaler(w) for w in wrappers.values())
    return getattr(optim_wrapper, 'loss_scaler', None) is not None


def non_finite_buffers(model) -> list:
    """Names of the model's floating-point buffers (BatchNorm statistics,
    ...) holding NaN/Inf (one host sync)."""
    model = model.module if is_model_wrapper(model) else model
    named = [(n, b) for n, b in model.named_buffers()
             if b.is_floating_point() and b.numel()]
    if not named:
        return []
    finite = torch.stack([b.isfinite().all() for _, b in named]).tolist()
    return [n for (n, _), ok in zip(named, finite) if not ok]


def last_good_checkpoint(runner, before: int) -> Optional[str]:
    """The newest resumable checkpoint in the work dir saved at or before
    iteration ``before`` (``epoch_N.pth`` counts ``N`` epochs of
    iterations)."""
    per_epoch = None
    try:
        per_epoch = len(runner.train_dataloader)
    except (TypeError, AttributeError):
        pass
    best, best_iter = None, -1
    for path in glob.glob(osp.join(runner.work_dir, '*.pth')):
        match = RESUMABLE_NAME.match(osp.basename(path))
        if not match or not is_resumable_checkpoint(path):
            continue
        kind, number = match.group(1), int(match.group(2))
        if kind == 'epoch' and per_epoch is None:
            continue
        iteration = number * per_epoch if kind == 'epoch' else number
        if best_iter < iteration <= before:
            best, best_iter = path, iteration
    return best


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Stop a diverged run, at one host sync per ``interval`` iterations.

    mmbcl's losses pass non-finite values through, like every PyTorch loss:
    under fp16 AMP a transient overflow is expected, and the loss scaler of
    MMEngine's ``AmpOptimWrapper`` skips that step and lowers the scale.
    This hook decides when a run has really diverged, the same way under
    every precision (MMEngine's ``AmpOptimWrapper`` builds a loss scaler
    for bf16 too, so "has a scaler" says nothing about recovery):

    * every iteration it counts non-finite losses (a loss with any
      NaN/Inf element) on the loss's device, without synchronising, and
      keeps the longest run of consecutive ones since the last check;
    * every ``interval`` iterations (and at the last one) it reads, once,
      that longest run (a run that ended before the check counts too), the
      run still going on, and their total, over all ranks (all-reduced, so
      every rank takes the same decision), and whether any floating-point
      buffer of the model (BatchNorm statistics) holds NaN/Inf on any rank;
    * a non-finite loss that does not last ``patience`` iterations in a
      row (an overflow the scaler recovers from) is only logged;
    * ``patience`` non-finite losses in a row (NaN weights never recover),
      or non-finite BatchNorm statistics (a model that no longer
      evaluates, whatever its training loss), stop the run with
      :class:`TrainingDivergedError`, naming what happened and the last
      checkpoint saved before it.

    Args:
        interval (int): Iterations between checks (host syncs).
            Defaults to 50.
        patience (int): Consecutive non-finite losses that stop the run.
            Defaults to 20.
        check_buffers (bool): Also stop on non-finite model buffers.
            Defaults to True.

    Example:
        >>> hook = HOOKS.build(dict(type='NonFiniteLossHook', interval=10))
        >>> hook.interval, hook.patience
        (10, 20)
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 50, patience: int = 20,
                 check_buffers: bool = True):
        for name, value in (('interval', interval), ('patience', patience)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'NonFiniteLossHook: {name} must be a '
                                 f'positive int, got {value!r}')
        self.interval = interval
        self.patience = patience
        self.check_buffers = check_buffers
        self._streak: Optional[torch.Tensor] = None  # consecutive bad iters
        self._longest: Optional[torch.Tensor] = None  # longest this window
        self._count: Optional[torch.Tensor] = None  # bad iters this window
        self._clean_until = 0  # the last check with nothing non-finite
        self._last_check = 0  # the iteration of the last check

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        loss = outputs.get('loss') if isinstance(outputs, dict) else None
        if not isinstance(loss, torch.Tensor):
            return
        bad = (~torch.isfinite(loss.detach())).any().long()
        if self._streak is None or self._streak.device != loss.device:
            self._streak = torch.zeros((), dtype=torch.long,
                                       device=loss.device)
            self._longest = torch.zeros_like(self._streak)
            self._count = torch.zeros_like(self._streak)
        self._streak = (self._streak + 1) * bad
        self._longest = torch.maximum(self._longest, self._streak)
        self._count = self._count + bad
        if self.every_n_train_iters(runner, self.interval) or \
                self.is_last_train_iter(runner):
            self._check(runner)

    def _check(self, runner) -> None:
        broken = non_finite_buffers(runner.model) if self.check_buffers \
            else []
        # one tensor, two all-reduces: the longest and the current streak
        # and the buffer state, and the total count, so every rank takes
        # the same decision
        worst = torch.stack([self._longest, self._streak,
                             self._count.new_tensor(len(broken))])
        dist.all_reduce(worst, op='max')
        total = self._count.clone()
        dist.all_reduce(total, op='sum')
        (longest, streak, broken_anywhere), count = worst.tolist(), int(total)
        self._count.zero_()
        self._longest.copy_(self._streak)  # a run may go on past the check
        iteration, window_start = runner.iter + 1, self._last_check
        self._last_check = iteration
        if broken_anywhere:
            where = (f'{", ".join(broken[:3])}' if broken else
                     'on another rank')
            self._stop(runner, self._clean_until,
                       f'model buffers hold NaN/Inf ({where}): the '
                       'BatchNorm statistics are lost and the model no '
                       'longer evaluates, whatever its training loss')
        if longest >= self.patience:
            ongoing = longest == streak
            self._stop(
                runner, iteration - streak if ongoing else window_start,
                (f'the loss has been NaN/Inf for the last {streak} '
                 f'iterations (up to iteration {iteration}; ' if ongoing else
                 f'the loss was NaN/Inf for {longest} iterations in a row '
                 f'(between iterations {window_start} and {iteration}; ') +
                f'NonFiniteLossHook patience={self.patience})' +
                ('; the loss scaler did not recover it'
                 if has_loss_scaler(runner.optim_wrapper) else ''))
        if count == 0:
            self._clean_until = iteration
            return
        scaler = ('; the loss scaler skipped those steps and lowered its '
                  'scale' if has_loss_scaler(runner.optim_wrapper) else '')
        print_log(
            f'NonFiniteLossHook: {count} non-finite loss(es) up to '
            f'iteration {iteration} (summed over ranks), {streak} in a row '
            f'now; the run stops at {self.patience} in a row{scaler}',
            logger='current', level=30)

    def _stop(self, runner, clean_until: int, what: str) -> None:
        checkpoint = last_good_checkpoint(runner, clean_until)
        resume = (f'the last checkpoint saved before that is {checkpoint}: '
                  f'resume from it (--resume {checkpoint}) with a lower '
                  'learning rate, or check the data' if checkpoint else
                  'no checkpoint was saved before that: lower the learning '
                  'rate or check the data, and train again')
        raise TrainingDivergedError(f'Training diverged: {what}; {resume}')
