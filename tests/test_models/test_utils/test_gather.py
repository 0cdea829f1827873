"""BCLLoss(gather_distributed=True) under 2 gloo processes equals one
process on the concatenated batch: loss and (DDP-averaged) gradients."""
import os
import socket

import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn as nn
import torch.nn.functional as F

WORLD_SIZE, BATCH, IN_DIM, DIM, CLASSES = 2, 6, 5, 4, 5


class TinyModel(nn.Module):

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.proj = nn.Linear(IN_DIM, 2 * DIM)
        self.protos = nn.Parameter(torch.randn(CLASSES, DIM))

    def forward(self, x):
        features = F.normalize(self.proj(x).view(-1, 2, DIM), dim=-1)
        return features, F.normalize(self.protos, dim=-1)


def global_batch():
    g = torch.Generator().manual_seed(1)
    x = torch.randn(WORLD_SIZE * BATCH, IN_DIM, generator=g)
    labels = torch.randint(0, CLASSES - 1, (WORLD_SIZE * BATCH, ), generator=g)
    return x, labels


def loss_and_grads(model, loss_fn, x, labels):
    features, protos = model(x)
    loss = loss_fn(features, labels, protos)
    loss.backward()
    return loss.detach(), [p.grad.clone() for p in model.parameters()]


def worker(rank, port, out_file):
    os.environ.update(MASTER_ADDR='127.0.0.1', MASTER_PORT=str(port))
    dist.init_process_group('gloo', rank=rank, world_size=WORLD_SIZE)
    import mmbcl  # noqa: F401
    from mmpretrain.registry import MODELS
    loss_fn = MODELS.build(dict(type='BCLLoss', gather_distributed=True))
    model = nn.parallel.DistributedDataParallel(TinyModel())
    x, labels = global_batch()
    part = slice(rank * BATCH, (rank + 1) * BATCH)
    loss, grads = loss_and_grads(model, loss_fn, x[part], labels[part])
    if rank == 0:
        torch.save(dict(loss=loss, grads=grads), out_file)
    # no rank tears gloo down while the other is still in a collective
    # (a peer closing its connection early aborts the other process)
    dist.barrier()
    dist.destroy_process_group()


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def test_gathered_loss_equals_single_process(tmp_path):
    import mmbcl  # noqa: F401
    from mmpretrain.registry import MODELS
    out_file = str(tmp_path / 'rank0.pth')
    # forked: the workers need no second import of torch and mmbcl
    mp.start_processes(worker, args=(free_port(), out_file), nprocs=WORLD_SIZE,
                       start_method='fork')
    dist_result = torch.load(out_file)

    loss_fn = MODELS.build(dict(type='BCLLoss'))
    loss, grads = loss_and_grads(TinyModel(), loss_fn, *global_batch())
    torch.testing.assert_close(dist_result['loss'], loss, rtol=0, atol=1e-6)
    for got, want in zip(dist_result['grads'], grads):
        torch.testing.assert_close(got, want, rtol=0, atol=1e-6)


def test_local_loss_differs_without_gather():
    """The check above is not vacuous: one rank's half-batch loss differs."""
    import mmbcl  # noqa: F401
    from mmpretrain.registry import MODELS
    loss_fn = MODELS.build(dict(type='BCLLoss', gather_distributed=True))
    x, labels = global_batch()
    model = TinyModel()
    half, _ = loss_and_grads(model, loss_fn, x[:BATCH], labels[:BATCH])
    full, _ = loss_and_grads(TinyModel(), loss_fn, x, labels)
    assert abs(half - full) > 1e-3
