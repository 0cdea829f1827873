"""ProCoLoss under 2 gloo processes equals one process holding the whole
batch: the class estimates on every rank, the loss (mean over ranks) and
the DDP-averaged gradients."""
import os

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

from tests.test_models.test_utils.test_gather import free_port

WORLD_SIZE, BATCH, IN_DIM, DIM, CLASSES = 2, 6, 5, 32, 5
COUNTS = [50, 20, 8, 3, 1]


class TinyModel(nn.Module):

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.proj = nn.Linear(IN_DIM, 2 * DIM)

    def forward(self, x):
        return F.normalize(self.proj(x).view(-1, 2, DIM), dim=-1)


def build_loss():
    import mmbcl  # noqa: F401
    from mmpretrain.registry import MODELS
    torch.manual_seed(1)  # the initial estimates, as the runner's seed
    loss = MODELS.build(dict(type='ProCoLoss', feat_dim=DIM,
                             num_classes=CLASSES, temperature=0.1))
    loss.logit_adjust.set_class_counts(COUNTS)
    return loss


def global_batch(step):
    g = torch.Generator().manual_seed(10 + step)
    x = torch.randn(WORLD_SIZE * BATCH, IN_DIM, generator=g)
    # the last class never comes: its estimate stays the fresh one
    labels = torch.randint(0, CLASSES - 1, (WORLD_SIZE * BATCH, ),
                           generator=g)
    return x, labels


def train(model, loss_fn, part=slice(None), steps=3):
    """Two epochs' worth of steps; the loss of every step."""
    losses = []
    for step in range(steps):
        if step in (0, 2):  # epoch starts
            loss_fn.start_epoch(step, seed=5)
        x, labels = global_batch(step)
        model.zero_grad()
        loss = loss_fn(model(x[part]), labels[part])
        loss.backward()
        losses.append(loss.detach())
    return losses


def worker(rank, port, out_file):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=WORLD_SIZE)
    # no buffer broadcast (MMEngine's default): the estimates must agree
    # by themselves
    model = nn.parallel.DistributedDataParallel(TinyModel(),
                                                broadcast_buffers=False)
    loss_fn = build_loss()
    if rank == 1:  # rank 0's initial estimates win at the epoch start
        loss_fn.next_estimate.mean.mul_(-1)
    losses = train(model, loss_fn, slice(rank * BATCH, (rank + 1) * BATCH))
    mean_losses = torch.stack(losses)
    dist.all_reduce(mean_losses)
    mean_losses /= WORLD_SIZE
    torch.save(
        dict(losses=mean_losses, state=loss_fn.state_dict(),
             grads=[p.grad.clone() for p in model.parameters()]),
        f'{out_file}.{rank}')
    dist.barrier()  # nobody tears gloo down while the other is in it
    dist.destroy_process_group()


def test_two_processes_equal_one(tmp_path):
    out_file = str(tmp_path / 'rank')
    # forked: the workers need no second import of torch and mmbcl
    mp.start_processes(worker, args=(free_port(), out_file), nprocs=WORLD_SIZE,
                       start_method='fork')
    ranks = [torch.load(f'{out_file}.{r}') for r in range(WORLD_SIZE)]

    model, loss_fn = TinyModel(), build_loss()
    losses = torch.stack(train(model, loss_fn))
    grads = [p.grad for p in model.parameters()]
    for result in ranks:
        for key, value in loss_fn.state_dict().items():
            torch.testing.assert_close(result['state'][key], value,
                                       rtol=0, atol=1e-12, msg=key)
        torch.testing.assert_close(result['losses'], losses, rtol=0,
                                   atol=1e-6)
        for got, want in zip(result['grads'], grads):
            torch.testing.assert_close(got, want, rtol=0, atol=1e-6)
    assert loss_fn.estimate.count.sum() > 0
