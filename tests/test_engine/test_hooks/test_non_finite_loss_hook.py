"""NonFiniteLossHook stops a diverged fp32 run and only logs under a loss
scaler; a non-finite BCL loss reaches AMP's scaler, which skips the step."""
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.runner import Runner

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import NonFiniteLossHook
from mmbcl.models.losses import bcl_loss
from mmpretrain.registry import HOOKS


class NaNAfter(BaseModel):
    """A toy model whose loss turns NaN from iteration ``start`` on."""

    def __init__(self, start):
        super().__init__()
        self.lin = torch.nn.Linear(2, 1)
        self.start = start
        self.calls = 0

    def forward(self, inputs, data_samples=None, mode='loss'):
        self.calls += 1
        loss = self.lin(inputs).pow(2).mean()
        if self.calls > self.start:
            loss = loss * float('nan')
        return dict(loss=loss)


def toy_runner(tmp_path, start, iters, **hook):
    data = [dict(inputs=torch.randn(2)) for _ in range(8)]
    return Runner(
        model=NaNAfter(start),
        work_dir=str(tmp_path),
        train_dataloader=dict(
            dataset=data, batch_size=2, num_workers=0,
            sampler=dict(type='InfiniteSampler', shuffle=False),
            collate_fn=dict(type='default_collate')),
        optim_wrapper=dict(optimizer=dict(type='SGD', lr=0.01)),
        train_cfg=dict(by_epoch=False, max_iters=iters),
        custom_hooks=[dict(type='NonFiniteLossHook', **hook)],
        default_hooks=dict(checkpoint=None, logger=None),
        default_scope='mmpretrain',
        experiment_name=f'nonfinite_{start}_{iters}_{tmp_path.name}')


def test_fp32_run_stops_after_persistent_nan(tmp_path):
    runner = toy_runner(tmp_path, start=5, iters=100, interval=10,
                        patience=8)
    with pytest.raises(RuntimeError,
                       match=r'Training diverged: the loss has been NaN/Inf '
                       r'for the last 15 iterations \(up to iteration 20'):
        runner.train()
    assert runner.model.calls == 20  # stopped at the first check past 8


def test_finite_run_is_not_stopped(tmp_path):
    runner = toy_runner(tmp_path, start=10**6, iters=30, interval=10)
    runner.train()
    assert runner.iter == 30


def fake_runner(iteration, scaler):
    wrapper = SimpleNamespace(loss_scaler=object() if scaler else None)
    return SimpleNamespace(iter=iteration, max_iters=1000,
                           optim_wrapper=wrapper)


def feed(hook, losses, scaler):
    for i, value in enumerate(losses):
        hook.after_train_iter(fake_runner(i, scaler), i,
                              outputs=dict(loss=torch.tensor(value)))


def test_scaled_run_only_logs():
    hook = NonFiniteLossHook(interval=5, patience=2)
    feed(hook, [float('inf')] * 20, scaler=True)  # never raises
    hook = NonFiniteLossHook(interval=5, patience=2)
    with pytest.raises(RuntimeError, match='no loss scaler'):
        feed(hook, [float('inf')] * 20, scaler=False)


def test_an_isolated_nan_is_tolerated_without_scaler():
    hook = NonFiniteLossHook(interval=5, patience=3)
    feed(hook, [1.0, float('nan'), 1.0, 1.0, float('nan')] * 4, scaler=False)


@pytest.mark.parametrize('bad', [dict(interval=0), dict(patience=-1)])
def test_bad_arguments(bad):
    with pytest.raises(ValueError, match='must be a positive int'):
        HOOKS.build(dict(type='NonFiniteLossHook', **bad))


def test_non_finite_feature_reaches_the_scaler():
    """A NaN feature no longer aborts: the loss is NaN, the scaler skips the
    step (the weights stay as they were) and lowers its scale."""
    torch.manual_seed(0)
    proj = torch.nn.Linear(8, 8)
    before = proj.weight.detach().clone()
    optimizer = torch.optim.SGD(proj.parameters(), lr=0.1)
    scaler = torch.amp.GradScaler('cpu', init_scale=2.0**16)
    x = torch.randn(4, 2, 8)
    x[0, 0, 0] = float('inf')  # an fp16 overflow upstream
    feats = F.normalize(proj(x), dim=-1)
    loss = bcl_loss(feats, torch.tensor([0, 1, 1, 2]),
                    F.normalize(torch.randn(3, 8), dim=-1))
    assert not torch.isfinite(loss)
    scaler.scale(loss).backward()
    scaler.step(optimizer)
    scaler.update()
    assert torch.equal(proj.weight, before)
    assert scaler.get_scale() == 2.0**15
