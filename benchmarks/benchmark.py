"""Benchmark BCL's costs: the loss (and ProCo's beside it), a training step,
the 3-view pipeline, device-side augmentation.

Prints Markdown tables (``benchmarks/README.md`` holds a run of it).
Timings are medians over interleaved rounds; ratios are medians of
per-round ratios.
On CUDA, timing uses CUDA events after warm-up.

The CPU thread count is pinned (``--threads``, default 1) and printed: on a
busy 2-core machine, default threading ran the loss benchmark 20-100x
slower than one thread, so timings are only comparable at a stated count.

Example:
    python benchmarks/benchmark.py                 # everything, CPU
    python benchmarks/benchmark.py --only loss --device cuda
    python benchmarks/benchmark.py --only proco
    python benchmarks/benchmark.py --only device-aug --device cuda
"""
import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss

#: (name, classes C, feature size D); global batch B = 256 (2 views)
LOSS_SCALES = [('CIFAR-10', 10, 128), ('CIFAR-100', 100, 128),
               ('ImageNet-LT', 1000, 1024), ('iNaturalist 2018', 8142, 1024)]


def naive_bcl_loss(centers1, features, targets, cls_num, temperature):
    """The authors' published formulation, kept as users would run it.

    It follows ``BalSCL`` in ``loss/contrastive.py`` of FlamieZhu/BCL
    (MIT licence, Copyright (c) 2022 Jg-Zhu; see NOTICE).
    """
    device = features.device
    batch_size = features.shape[0]
    targets = targets.contiguous().view(-1, 1)
    targets_centers = torch.arange(cls_num, device=device).view(-1, 1)
    targets = torch.cat([targets.repeat(2, 1), targets_centers], dim=0)
    batch_cls_count = torch.eye(
        cls_num, device=device)[targets].sum(dim=0).squeeze()
    mask = torch.eq(targets[:2 * batch_size], targets.T).float()
    logits_mask = torch.scatter(
        torch.ones_like(mask), 1,
        torch.arange(batch_size * 2, device=device).view(-1, 1), 0)
    mask = mask * logits_mask
    features = torch.cat(torch.unbind(features, dim=1), dim=0)
    features = torch.cat([features, centers1], dim=0)
    logits = features[:2 * batch_size].mm(features.T)
    logits = torch.div(logits, temperature)
    logits_max, _ = torch.max(logits, dim=1, keepdim=True)
    logits = logits - logits_max.detach()
    exp_logits = torch.exp(logits) * logits_mask
    per_ins_weight = torch.tensor(
        [batch_cls_count[i] for i in targets], device=device).view(
            1, -1).expand(2 * batch_size, 2 * batch_size + cls_num) - mask
    exp_logits_sum = exp_logits.div(per_ins_weight).sum(dim=1, keepdim=True)
    log_prob = logits - torch.log(exp_logits_sum)
    mean_log_prob_pos = (mask * log_prob).sum(1) / mask.sum(1)
    return (-mean_log_prob_pos).view(2, batch_size).mean()


class Timer:
    """Wall time of a callable; CUDA events on a GPU."""

    def __init__(self, device):
        self.cuda = device.type == 'cuda'

    def __call__(self, fn):
        if self.cuda:
            start = torch.cuda.Event(enable_timing=True)
            end = torch.cuda.Event(enable_timing=True)
            start.record()
            fn()
            end.record()
            torch.cuda.synchronize()
            return start.elapsed_time(end) / 1e3
        begin = time.perf_counter()
        fn()
        return time.perf_counter() - begin


def interleaved(fns, rounds, timer, warmup=2):
    """Run ``fns`` round-robin; per-function lists of seconds."""
    for _ in range(warmup):
        for fn in fns.values():
            fn()
    times = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            times[name].append(timer(fn))
    return times


def ratio(times, a, b):
    return statistics.median(x / y for x, y in zip(times[a], times[b]))


def loss_inputs(num_classes, dim, device, batch=256, seed=0):
    g = torch.Generator().manual_seed(seed)
    feats = F.normalize(torch.randn(batch, 2, dim, generator=g), dim=-1)
    protos = F.normalize(torch.randn(num_classes, dim, generator=g), dim=-1)
    # long-tailed batch labels
    probs = torch.arange(num_classes, 0, -1, dtype=torch.float) ** 2
    labels = torch.multinomial(probs, batch, replacement=True, generator=g)
    return (feats.to(device).requires_grad_(),
            protos.to(device).requires_grad_(), labels.to(device))


def bench_loss(device, rounds):
    timer = Timer(device)
    print('\n### BCLLoss forward + backward, fp32, B = 256 (512 anchors)\n')
    print('SCL: the same fused function with class_averaging=False, '
          'class_complement=False (SupCon over the 2B views).\n')
    print('| scale | C | D | floor (ms) | mmbcl (ms) | naive (ms) | '
          'SCL (ms) | mmbcl / floor | naive / mmbcl | SCL / floor |')
    print('|---|---|---|---|---|---|---|---|---|---|')
    for name, num_classes, dim in LOSS_SCALES:
        feats, protos, labels = loss_inputs(num_classes, dim, device)
        anchors = torch.cat(feats.detach().unbind(1)).requires_grad_()
        keys = torch.cat([anchors.detach(), protos.detach()]).requires_grad_()
        ours = bcl_loss(feats, labels, protos, 0.07)
        naive = naive_bcl_loss(protos, feats, labels, num_classes, 0.07)
        assert torch.allclose(ours, naive, rtol=1e-4), (ours, naive)

        def floor():
            anchors.mm(keys.T).sum().backward()

        def fused():
            bcl_loss(feats, labels, protos, 0.07).backward()

        def baseline():
            naive_bcl_loss(protos, feats, labels, num_classes,
                           0.07).backward()

        def supcon():
            bcl_loss(feats, labels, None, 0.07, class_averaging=False,
                     class_complement=False,
                     num_classes=num_classes).backward()

        times = interleaved(
            dict(floor=floor, mmbcl=fused, naive=baseline, scl=supcon),
            rounds, timer)
        med = {k: 1e3 * statistics.median(v) for k, v in times.items()}
        print(f'| {name} | {num_classes} | {dim} | {med["floor"]:.2f} | '
              f'{med["mmbcl"]:.2f} | {med["naive"]:.2f} | '
              f'{med["scl"]:.2f} | {ratio(times, "mmbcl", "floor"):.2f} | '
              f'{ratio(times, "naive", "mmbcl"):.2f} | '
              f'{ratio(times, "scl", "floor"):.2f} |')


MEMORY_SNIPPET = '''
import sys, torch
sys.path.insert(0, {root!r})
from benchmark import loss_inputs, naive_bcl_loss
from mmbcl.models.losses import ProCoLoss, bcl_loss
device = torch.device({device!r})
classes, dim = {classes}, {dim}
feats, protos, labels = loss_inputs(classes, dim, device)
keys = torch.cat([feats.detach()[:, 0], feats.detach()[:, 1],
                  protos.detach()]).requires_grad_()
anchors = keys.detach()[:512].clone().requires_grad_()
if {method!r} == 'proco':  # its estimates exist before the step
    proco = ProCoLoss(dim, classes, temperature=0.07).to(device)
    proco.logit_adjust.set_class_counts(range(1, classes + 1))
    proco.start_epoch(0)
run = dict(
    floor=lambda: anchors.mm(keys.T).sum().backward(),
    mmbcl=lambda: bcl_loss(feats, labels, protos, 0.07).backward(),
    naive=lambda: naive_bcl_loss(protos, feats, labels, classes,
                                 0.07).backward(),
    proco=lambda: proco(feats, labels).backward())[{method!r}]
if device.type == 'cuda':
    torch.cuda.synchronize()
    base = torch.cuda.memory_allocated()
    torch.cuda.reset_peak_memory_stats()
    run()
    torch.cuda.synchronize()
    print((torch.cuda.max_memory_allocated() - base) / 2**20)
else:
    # sample the resident set every 0.2 ms while the loss runs
    import os, threading, time
    page = os.sysconf('SC_PAGE_SIZE')
    def rss():
        with open('/proc/self/statm') as f:
            return int(f.read().split()[1]) * page
    base, peak, done = rss(), [0], []
    def sample():
        while not done:
            peak[0] = max(peak[0], rss())
            time.sleep(0.0002)
    thread = threading.Thread(target=sample)
    thread.start()
    run()
    done.append(1)
    thread.join()
    print((peak[0] - base) / 2**20)
'''


def bench_memory(device):
    how = ('torch.cuda.max_memory_allocated' if device.type == 'cuda' else
           'growth of the resident set, sampled every 0.2 ms in a fresh '
           'process')
    print('\n### Peak memory of one forward + backward at iNaturalist scale '
          f'(C = 8142, D = 1024, B = 256); {how}\n')
    print('| method | extra peak memory (MiB) |')
    print('|---|---|')
    for method in ('floor', 'mmbcl', 'naive'):
        print(f'| {method} | {peak_memory(device, method, 8142, 1024):.0f} |')


def peak_memory(device, method, classes, dim):
    """Extra peak memory (MiB) of one forward + backward of ``method`` in
    a fresh process (B = 256)."""
    root = os.path.dirname(os.path.abspath(__file__))  # benchmarks/
    code = MEMORY_SNIPPET.format(root=root, device=str(device),
                                 method=method, classes=classes, dim=dim)
    out = subprocess.run([sys.executable, '-c', code], check=True,
                         capture_output=True, text=True).stdout
    return float(out.split()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--only',
                        default='loss,memory,proco,step,pipeline,'
                        'concutmix,device-aug',
                        help='comma-separated sections to run')
    parser.add_argument('--rounds', type=int, default=30,
                        help='timing rounds of the loss benchmark')
    parser.add_argument('--aug-batch', default=None,
                        help='comma-separated images per device (x 3 '
                        'views) of device-aug at 224 px; default 32 on the '
                        'CPU, 32,256 on CUDA (the ImageNet-LT and CIFAR '
                        'recipes\' batches)')
    parser.add_argument('--threads', type=int, default=1,
                        help='CPU threads of torch (pinned; printed)')
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    card = (torch.cuda.get_device_name(device) if device.type == 'cuda'
            else f'{platform.processor() or platform.machine()} CPU, '
            f'{torch.get_num_threads()} threads')
    print(f'# mmbcl benchmark on {card}; torch {torch.__version__}')
    sections = args.only.split(',')
    if 'loss' in sections:
        bench_loss(device, args.rounds)
    if 'memory' in sections:
        bench_memory(device)
    if 'proco' in sections:
        from benchmark_proco import bench_proco
        bench_proco(device, args.rounds)
    if 'step' in sections:
        from benchmark_step import bench_step
        bench_step(device)
    if 'pipeline' in sections:
        from benchmark_pipeline import bench_pipeline
        with tempfile.TemporaryDirectory() as tmp:
            bench_pipeline(tmp)
    if 'concutmix' in sections:
        from benchmark_concutmix import bench_concutmix
        with tempfile.TemporaryDirectory() as tmp:
            bench_concutmix(tmp)
    if 'device-aug' in sections:
        from benchmark_device_augment import bench_device_augment
        batches = args.aug_batch or ('32' if device.type == 'cpu' else
                                     '32,256')
        bench_device_augment(device, [int(b) for b in batches.split(',')])


if __name__ == '__main__':
    main()
