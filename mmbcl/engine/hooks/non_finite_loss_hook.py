"""NonFiniteLossHook: stop a diverged run, let AMP's scaler skip overflows."""
from typing import Optional

import torch
from mmengine import dist
from mmengine.hooks import Hook
from mmengine.logging import print_log

from mmpretrain.registry import HOOKS


def has_loss_scaler(optim_wrapper) -> bool:
    """Whether ``optim_wrapper`` (or one of an ``OptimWrapperDict``'s)
    scales the loss, as MMEngine's ``AmpOptimWrapper`` does."""
    wrappers = getattr(optim_wrapper, 'optim_wrappers', None)
    if isinstance(wrappers, dict):
        return any(has_loss_scaler(w) for w in wrappers.values())
    return getattr(optim_wrapper, 'loss_scaler', None) is not None


@HOOKS.register_module()
class NonFiniteLossHook(Hook):
    """Watch the training loss for NaN/Inf at one host sync per interval.

    mmbcl's losses pass non-finite values through, like every PyTorch loss:
    under fp16 AMP a transient overflow is expected, and the loss scaler of
    MMEngine's ``AmpOptimWrapper`` skips that step and lowers the scale.
    This hook decides when a run has really diverged (MMDetection's
    ``CheckInvalidLossHook`` is the precedent, but without a host sync every
    iteration):

    * every iteration it counts non-finite losses on the loss's device,
      without synchronising;
    * every ``interval`` iterations (and at the last one) it reads the
      counts once, summed over all ranks;
    * without a loss scaler (fp32, or bf16 without one) it stops the run
      with a clear message once the loss has been non-finite for
      ``patience`` iterations in a row (NaN weights never recover);
    * under a loss scaler it only logs how many steps were skipped.

    Args:
        interval (int): Iterations between checks (host syncs).
            Defaults to 50.
        patience (int): Consecutive non-finite iterations after which an
            unscaled run is stopped. Defaults to 20.

    Example:
        >>> hook = HOOKS.build(dict(type='NonFiniteLossHook', interval=10))
        >>> hook.interval, hook.patience
        (10, 20)
    """

    priority = 'NORMAL'

    def __init__(self, interval: int = 50, patience: int = 20):
        for name, value in (('interval', interval), ('patience', patience)):
            if not isinstance(value, int) or value < 1:
                raise ValueError(f'NonFiniteLossHook: {name} must be a '
                                 f'positive int, got {value!r}')
        self.interval = interval
        self.patience = patience
        self._streak: Optional[torch.Tensor] = None  # consecutive bad iters
        self._count: Optional[torch.Tensor] = None  # bad iters this window

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        loss = outputs.get('loss') if isinstance(outputs, dict) else None
        if not isinstance(loss, torch.Tensor):
            return
        bad = (~torch.isfinite(loss.detach())).all().long()
        if self._streak is None or self._streak.device != loss.device:
            self._streak = torch.zeros((), dtype=torch.long,
                                       device=loss.device)
            self._count = torch.zeros_like(self._streak)
        self._streak = (self._streak + 1) * bad
        self._count = self._count + bad
        if self.every_n_train_iters(runner, self.interval) or \
                self.is_last_train_iter(runner):
            self._check(runner)

    def _check(self, runner) -> None:
        counts = torch.stack([self._streak, self._count])
        # The same decision on every rank: the worst streak and the total.
        streak = counts[:1].clone()
        dist.all_reduce(streak, op='max')
        total = counts[1:].clone()
        dist.all_reduce(total, op='sum')
        streak, count = int(streak.item()), int(total.item())
        self._count.zero_()
        if count == 0:
            return
        iteration = runner.iter + 1
        if has_loss_scaler(runner.optim_wrapper):
            print_log(
                f'NonFiniteLossHook: {count} non-finite loss(es) up to '
                f'iteration {iteration} (summed over ranks); the loss scaler '
                'skipped those steps and lowered the scale', logger='current',
                level=30)
            return
        if streak >= self.patience:
            raise RuntimeError(
                f'Training diverged: the loss has been NaN/Inf for the last '
                f'{streak} iterations (up to iteration {iteration}; '
                f'NonFiniteLossHook patience={self.patience}) and there is no '
                'loss scaler to skip such steps. Lower the learning rate, '
                'check the data, or resume from an earlier checkpoint.')
        print_log(
            f'NonFiniteLossHook: {count} non-finite loss(es) up to iteration '
            f'{iteration}; {streak} in a row now (the run stops at '
            f'{self.patience})', logger='current', level=30)
