"""NonFiniteLossHook stops a diverged run under every precision and only
logs a transient overflow; a non-finite BCL loss reaches AMP's scaler,
which skips the step. The cross-rank decision runs in 2 gloo processes."""
import logging
import os
import socket
from types import SimpleNamespace

import pytest
import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.runner import Runner

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import NonFiniteLossHook
from mmbcl.engine.hooks.non_finite_loss_hook import TrainingDivergedError
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


def toy_runner(tmp_path, start, iters, checkpoint=None, **hook):
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
        default_hooks=dict(checkpoint=checkpoint, logger=None),
        default_scope='mmpretrain',
        experiment_name=f'nonfinite_{start}_{iters}_{tmp_path.name}')


def test_fp32_run_stops_after_persistent_nan(tmp_path):
    runner = toy_runner(tmp_path, start=5, iters=100, interval=10,
                        patience=8)
    with pytest.raises(TrainingDivergedError,
                       match=r'Training diverged: the loss has been NaN/Inf '
                       r'for the last 15 iterations \(up to iteration 20'):
        runner.train()
    assert runner.model.calls == 20  # stopped at the first check past 8


def test_stop_names_the_last_good_checkpoint(tmp_path):
    """NaN from iteration 26 on: iter_20.pth is the last clean checkpoint;
    iter_30.pth holds NaN weights and is not offered."""
    runner = toy_runner(
        tmp_path, start=25, iters=100, interval=10, patience=8,
        checkpoint=dict(type='CheckpointHook', interval=10, by_epoch=False))
    with pytest.raises(TrainingDivergedError) as error:
        runner.train()
    message = str(error.value)
    assert 'the last checkpoint saved before that is' in message
    assert message.endswith('check the data') and 'iter_20.pth' in message


def test_finite_run_is_not_stopped(tmp_path):
    runner = toy_runner(tmp_path, start=10**6, iters=30, interval=10)
    runner.train()
    assert runner.iter == 30


def fake_runner(iteration, scaler, model=None, work_dir='.'):
    wrapper = SimpleNamespace(loss_scaler=object() if scaler else None)
    return SimpleNamespace(iter=iteration, max_iters=1000,
                           optim_wrapper=wrapper, work_dir=work_dir,
                           model=model or torch.nn.BatchNorm1d(2),
                           train_dataloader=None)


def feed(hook, losses, scaler, model=None, start=0):
    for i, value in enumerate(losses, start):
        hook.after_train_iter(fake_runner(i, scaler, model), i,
                              outputs=dict(loss=torch.tensor(value)))


@pytest.mark.parametrize('scaler', [True, False], ids=['amp', 'fp32'])
def test_persistent_nan_stops_under_every_precision(scaler):
    """MMEngine's AmpOptimWrapper has a scaler for bf16 too: a run whose
    loss stays NaN stops whether or not there is one."""
    hook = NonFiniteLossHook(interval=5, patience=2)
    with pytest.raises(TrainingDivergedError,
                       match='NaN/Inf for the last 5 iterations'):
        feed(hook, [float('inf')] * 20, scaler=scaler)


@pytest.mark.parametrize('scaler', [True, False], ids=['amp', 'fp32'])
def test_a_recovered_overflow_is_only_logged(scaler):
    """Non-finite losses that never last ``patience`` in a row: the run goes
    on, and each check that saw some logs how many, once."""
    from mmengine.logging import MMLogger
    logger = MMLogger.get_instance('nonfinite_logged')
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logger.addHandler(handler)
    hook = NonFiniteLossHook(interval=5, patience=3)
    try:
        feed(hook, [1.0, float('nan'), 1.0, 1.0, float('nan')] * 4,
             scaler=scaler)
    finally:
        logger.removeHandler(handler)
    lines = [r.getMessage() for r in records]
    assert len(lines) == 4, lines  # one line per check (4 checks)
    assert lines[0].startswith('NonFiniteLossHook: 2 non-finite loss(es) '
                               'up to iteration 5')
    assert ('loss scaler skipped those steps' in lines[0]) == scaler
    assert all(r.levelno == logging.WARNING for r in records)


def test_a_run_that_ends_before_the_check_still_stops():
    """30 non-finite losses in a row, then one finite loss just before the
    check: the longest run over the window decides, not the current one."""
    hook = NonFiniteLossHook(interval=50, patience=20)
    with pytest.raises(TrainingDivergedError,
                       match='NaN/Inf for 30 iterations in a row'):
        feed(hook, [1.0] * 19 + [float('nan')] * 30 + [1.0], scaler=True)


def test_a_non_finite_element_counts():
    """A loss with one NaN element among finite ones is non-finite."""
    hook = NonFiniteLossHook(interval=5, patience=3)
    with pytest.raises(TrainingDivergedError):
        for i in range(5):
            hook.after_train_iter(
                fake_runner(i, False), i,
                outputs=dict(loss=torch.tensor([1.0, float('nan')])))


def test_nan_batchnorm_statistics_stop_the_run():
    """A fp16 overflow writes NaN into the running statistics in the
    forward pass, before the scaler skips the step; the training loss
    (batch statistics) stays finite, the model no longer evaluates."""
    bn = torch.nn.BatchNorm1d(2)
    bn.running_mean.fill_(float('nan'))
    hook = NonFiniteLossHook(interval=5, patience=3)
    with pytest.raises(TrainingDivergedError,
                       match=r'buffers hold NaN/Inf \(running_mean\)'):
        feed(hook, [1.0] * 5, scaler=True, model=bn)


def _rank_worker(rank, port, results):
    """Rank 1 alone sees NaN losses from iteration 3 on; the decision must
    be the same on both ranks."""
    import torch.distributed as torch_dist
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    torch_dist.init_process_group('gloo', rank=rank, world_size=2)
    hook = NonFiniteLossHook(interval=4, patience=3)
    losses = [1.0] * 3 + [float('nan') if rank else 1.0] * 9
    try:
        feed(hook, losses, scaler=False)
        outcome = 'ran on'
    except TrainingDivergedError as error:
        outcome = str(error)
    with open(f'{results}.{rank}', 'w') as f:
        f.write(outcome)
    torch_dist.destroy_process_group()


def test_ranks_decide_together(tmp_path):
    import torch.multiprocessing as mp
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        port = s.getsockname()[1]
    results = str(tmp_path / 'outcome')
    # forked: the workers need no second import of torch and mmbcl
    mp.start_processes(_rank_worker, args=(port, results), nprocs=2,
                       start_method='fork')
    outcomes = [open(f'{results}.{rank}').read() for rank in (0, 1)]
    assert outcomes[0] == outcomes[1], outcomes
    assert 'NaN/Inf for the last 5 iterations (up to iteration 8' in \
        outcomes[0]


@pytest.mark.parametrize('bad', [dict(interval=0), dict(patience=-1)])
def test_bad_arguments(bad):
    with pytest.raises(ValueError, match='must be a positive int'):
        HOOKS.build(dict(type='NonFiniteLossHook', **bad))


def test_non_finite_feature_reaches_the_scaler():
    """A NaN feature does not abort: the loss is NaN, the scaler skips the
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
