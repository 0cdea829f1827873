"""ProCoLoss beside BCLLoss: forward + backward time and peak memory.

Both at the recipes' scales, B = 256 images (2 contrastive views each).
BCLLoss: the fused loss with the C prototypes. ProCoLoss: the class
estimates' update with the batch, the closed-form logits (float64) and
their LA-CE, for both views. The official ProCo update expands an
N x C x D tensor; the last column says what that tensor alone would hold
(float32, N = 256).
"""
import statistics

from benchmark import (LOSS_SCALES, Timer, interleaved, loss_inputs,
                       peak_memory, ratio)

from mmbcl.models.losses import ProCoLoss, bcl_loss


def bench_proco(device, rounds):
    timer = Timer(device)
    print('\n### ProCoLoss beside BCLLoss: forward + backward, B = 256; '
          'extra peak memory of one call in a fresh process\n')
    print('| scale | C | D | BCLLoss (ms) | ProCoLoss (ms) | ProCo / BCL | '
          'BCLLoss peak (MiB) | ProCoLoss peak (MiB) | '
          'official N x C x D update (MiB) |')
    print('|---|---|---|---|---|---|---|---|---|')
    for name, num_classes, dim in LOSS_SCALES:
        feats, protos, labels = loss_inputs(num_classes, dim, device)
        proco = ProCoLoss(dim, num_classes, temperature=0.07).to(device)
        proco.logit_adjust.set_class_counts(range(1, num_classes + 1))
        proco.start_epoch(0)

        def bcl():
            bcl_loss(feats, labels, protos, 0.07).backward()

        def ours():
            proco(feats, labels).backward()

        times = interleaved(dict(bcl=bcl, proco=ours), rounds, timer)
        med = {k: 1e3 * statistics.median(v) for k, v in times.items()}
        official = 256 * num_classes * dim * 4 / 2**20
        print(f'| {name} | {num_classes} | {dim} | {med["bcl"]:.2f} | '
              f'{med["proco"]:.2f} | {ratio(times, "proco", "bcl"):.2f} | '
              f'{peak_memory(device, "mmbcl", num_classes, dim):.0f} | '
              f'{peak_memory(device, "proco", num_classes, dim):.0f} | '
              f'{official:.0f} |')
