"""ConCutMix's semantically consistent label and its soft-label LA-CE
against float64 references written from the paper's formulas."""
import math

import numpy as np
import pytest
import torch
from mmengine.logging import MessageHub

import mmbcl  # noqa: F401
from mmbcl.models.utils import semantically_consistent_label
from mmpretrain.registry import MODELS


def reference_label(feature, prototypes, area, counts, scale, topk):
    """One image at a time, in float64 Python: inverse Euclidean distances
    to the prototypes, the top-k kept (ties with the k-th kept), L1
    normalised, blended with the area label by
    w = scale * log(sum_c N_c y_c) / sum_c log N_c."""
    out = np.zeros_like(area)
    log_total = sum(math.log(n) for n in counts)
    for i, (f, y) in enumerate(zip(feature, area)):
        inverse = [
            1.0 / math.sqrt(sum((a - b)**2 for a, b in zip(f, p)))
            for p in prototypes
        ]
        kth = sorted(inverse, reverse=True)[topk - 1]
        kept = [s if s >= kth else 0.0 for s in inverse]
        semantic = [s / sum(kept) for s in kept]
        w = scale * math.log(sum(n * yc for n, yc in zip(counts, y))) / (
            log_total)
        out[i] = [w * s + (1 - w) * yc for s, yc in zip(semantic, y)]
    return out


def random_case(seed, batch=6, classes=7, dim=5, ties=False):
    rng = np.random.default_rng(seed)
    feature = rng.normal(size=(batch, dim))
    prototypes = rng.normal(size=(classes, dim)) * 2
    if ties:  # equal distances: duplicated prototypes, mirrored ones
        prototypes[1] = prototypes[0]
        prototypes[3] = prototypes[2]
        feature[0] = 0.0
        prototypes[5] = -prototypes[4]
    counts = rng.integers(1, 500, classes)
    a, b = rng.integers(0, classes, batch), rng.integers(0, classes, batch)
    lam = rng.random(batch)
    area = np.zeros((batch, classes))
    area[np.arange(batch), a] += lam
    area[np.arange(batch), b] += 1 - lam
    return feature, prototypes, area, counts


@pytest.mark.parametrize('seed', range(4))
@pytest.mark.parametrize('topk', [1, 2, 3, 7])
@pytest.mark.parametrize('ties', [False, True])
def test_label_matches_the_paper_in_float64(seed, topk, ties):
    feature, prototypes, area, counts = random_case(seed, ties=ties)
    scale = 20 / 255
    want = reference_label(feature, prototypes, area, counts, scale, topk)
    got = semantically_consistent_label(
        torch.from_numpy(feature), torch.from_numpy(prototypes),
        torch.from_numpy(area), torch.from_numpy(counts), scale, topk)
    assert got.dtype == torch.float64
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(got.sum(1).numpy(), 1.0, rtol=1e-12)


def test_ties_with_the_kth_are_kept():
    """A feature equidistant from two prototypes keeps both with top-1."""
    prototypes = torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 3.0]],
                              dtype=torch.float64)
    area = torch.tensor([[0.0, 0.0, 1.0]], dtype=torch.float64)
    counts = torch.tensor([10, 10, 10])
    got = semantically_consistent_label(
        torch.zeros(1, 2, dtype=torch.float64), prototypes, area, counts,
        scale=1.0, topk=1)
    w = math.log(10) / (3 * math.log(10))
    torch.testing.assert_close(
        got[0], torch.tensor([w / 2, w / 2, 1 - w], dtype=torch.float64))


def reference_soft_la_ce(logits, target, counts, tau):
    """-(1/B) sum_i sum_c y_ic log softmax(z_i + tau log pi)_c, the prior
    in float32 as the official LogitAdjust holds it."""
    prior = np.asarray(counts, np.float64) / np.sum(counts)
    log_prior = np.log(prior).astype(np.float32).astype(np.float64)
    total = 0.0
    for z, y in zip(logits, target):
        adjusted = [zc + tau * lp for zc, lp in zip(z, log_prior)]
        top = max(adjusted)
        log_norm = top + math.log(sum(math.exp(a - top) for a in adjusted))
        total -= sum(yc * (a - log_norm) for yc, a in zip(y, adjusted))
    return total / len(logits)


@pytest.mark.parametrize('tau', [1.0, 0.9, 0.75])
def test_soft_label_la_ce_matches_the_formula(tau):
    feature, prototypes, area, counts = random_case(3, batch=8)
    logits = np.random.default_rng(1).normal(size=area.shape) * 10
    target = reference_label(feature, prototypes, area, counts, 0.3, 2)
    loss = MODELS.build(dict(type='LogitAdjustLoss', tau=tau,
                             class_counts=counts.tolist(), loss_weight=2.0))
    got = loss(torch.from_numpy(logits), torch.from_numpy(target),
               avg_factor=len(logits))
    want = 2.0 * reference_soft_la_ce(logits, target, counts, tau)
    assert abs(got.item() - want) <= 1e-9 * abs(want)
    # before the warm-up ends: the area label's loss is the area-weighted
    # LA-CE of the two labels (ConCutMix's lam * CE(a) + (1 - lam) * CE(b))
    a, b = area.argmax(1), np.argsort(area, 1)[:, -2]
    got = loss(torch.from_numpy(logits), torch.from_numpy(area),
               avg_factor=len(logits))
    hard = [
        loss(torch.from_numpy(logits[i:i + 1]), torch.tensor([c]),
             avg_factor=1) * float(area[i, c])
        for i in range(len(logits)) for c in {int(a[i]), int(b[i])}
    ]
    assert abs(got.item() - sum(hard).item() / len(logits)) <= 1e-9 * abs(
        got.item())


def build(**kwargs):
    label = MODELS.build(dict(type='SemanticallyConsistentLabel', **kwargs))
    label.set_class_counts([100, 30, 10, 3])
    return label


def at_epoch(epoch):
    MessageHub.get_current_instance().update_info('epoch', epoch)


def test_warm_up_follows_the_runner_epoch():
    label = build(scaling_factor=(20, 255), topk=2, warmup_epochs=3)
    feature, prototypes = torch.randn(5, 8), torch.randn(4, 8)
    area = torch.softmax(torch.randn(5, 4), 1)
    for epoch, rectified in ((0, False), (2, False), (3, True), (9, True)):
        at_epoch(epoch)
        out = label(feature, prototypes, area)
        assert (out is area) != rectified
    assert label.scale == pytest.approx(20 / 255)
    assert 'class_counts' not in label.state_dict()  # from the data


def test_no_host_sync_and_no_gradient():
    from tests.test_models.test_losses.test_proco_loss import Ops
    label = build(topk=2, warmup_epochs=0)
    at_epoch(1)
    feature = torch.randn(5, 8, requires_grad=True)
    prototypes = torch.randn(4, 8, requires_grad=True)
    with Ops() as ops:
        out = label(feature, prototypes, torch.softmax(torch.randn(5, 4), 1))
    assert not out.requires_grad
    syncs = [n for n in ops.names if 'local_scalar_dense' in n or
             'nonzero' in n or 'item' in n]
    assert not syncs, syncs


def test_runs_on_the_meta_device():
    label = build(topk=2, warmup_epochs=0).to('meta')
    at_epoch(1)
    out = label(torch.randn(5, 8, device='meta'),
                torch.randn(4, 8, device='meta'),
                torch.randn(5, 4, device='meta'))
    assert out.device.type == 'meta' and out.shape == (5, 4)


@pytest.mark.cuda
def test_cuda_label_has_no_host_sync():
    label = build(topk=2, warmup_epochs=0).cuda()
    at_epoch(1)
    args = (torch.randn(5, 8, device='cuda'), torch.randn(4, 8,
                                                          device='cuda'),
            torch.softmax(torch.randn(5, 4, device='cuda'), 1))
    label(*args)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        label(*args)
    finally:
        torch.cuda.set_sync_debug_mode(0)


def test_errors_name_the_value():
    with pytest.raises(ValueError, match='topk must be a positive int, '
                       'got 0'):
        build(topk=0)
    with pytest.raises(ValueError, match='topk=5 but the training set has '
                       '4 classes'):
        build(topk=5)
    with pytest.raises(ValueError, match=r'scaling_factor .* got \(1, 0\)'):
        build(scaling_factor=(1, 0))
    with pytest.raises(ValueError, match='warmup_epochs must be an int >= '
                       '0, got -1'):
        build(warmup_epochs=-1)
    label = MODELS.build(dict(type='SemanticallyConsistentLabel',
                              warmup_epochs=0))
    at_epoch(0)
    with pytest.raises(RuntimeError, match='ClassCountsHook'):
        label(torch.randn(2, 3), torch.randn(4, 3), torch.rand(2, 4))


def test_class_counts_follow_the_model_device():
    """What ClassCountsHook sets lands where the model was moved."""
    from mmbcl.engine.hooks.class_counts_hook import give_to_model
    head = MODELS.build(dict(
        type='BCLHead', num_classes=4, in_channels=16, feat_dim=8,
        mix_label=dict(type='SemanticallyConsistentLabel', topk=2))).to(
            'meta')
    give_to_model(head, 'set_class_counts', [40, 20, 5, 2])
    assert head.mix_label.class_counts.device.type == 'meta'
    assert head.mix_label.class_counts.dtype == torch.float64
