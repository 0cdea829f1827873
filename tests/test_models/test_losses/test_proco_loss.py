"""ProCoLoss against float64 references written from the paper's
formulas (Du et al., TPAMI 2024: the vMF normaliser C_D, the closed-form
logit, the estimator of ProCo's ``main.py``), not from mmbcl's code; its
memory, host synchronisations, AMP and devices."""
import numpy as np
import pytest
import torch
import torch.nn.functional as F
from scipy.special import ive
from torch.utils._python_dispatch import TorchDispatchMode

import mmbcl  # noqa: F401
from mmbcl.models.losses import ProCoLoss, proco_logits
from mmpretrain.registry import MODELS


def log_c(kappa, dim):
    """log C_D(kappa) = nu log k - (D/2) log 2 pi - log I_nu(k)."""
    nu = dim / 2 - 1
    log_iv = np.log(ive(nu, kappa)) + kappa
    return nu * np.log(kappa) - dim / 2 * np.log(2 * np.pi) - log_iv


def reference_logits_and_grad(z, mu, kappa, temperature, upstream):
    """The closed-form logit with an explicit N x C x D sum, and the
    gradient of ``sum(upstream * logits)`` in ``z`` from
    dlog C_D/dk = -A_D(k)."""
    dim = z.shape[1]
    nu = dim / 2 - 1
    mu = mu / np.linalg.norm(mu, axis=1, keepdims=True)
    combined_vec = kappa[None, :, None] * mu[None] + z[:, None] / temperature
    combined = np.linalg.norm(combined_vec, axis=2)
    logits = log_c(kappa, dim)[None] - log_c(combined, dim)
    ratio = ive(nu + 1, combined) / ive(nu, combined)
    dlogit_dz = (ratio / combined)[..., None] * combined_vec / temperature
    grad = (upstream[..., None] * dlogit_dz).sum(1)
    return logits, grad


@pytest.mark.parametrize('dim, kappas', [
    (128, [1.0, 10.0, 100.0, 1e3, 1e4, 1e5]),
    (1024, [300.0, 1e3, 1e4, 1e5]),
])
@pytest.mark.parametrize('temperature', [0.07, 1.0])
def test_logits_and_gradient_match_the_paper(dim, kappas, temperature):
    rng = np.random.RandomState(dim)
    kappa = np.array(kappas * 2)
    z = rng.randn(7, dim)
    z /= np.linalg.norm(z, axis=1, keepdims=True)
    mu = rng.randn(len(kappa), dim)
    upstream = rng.randn(7, len(kappa))
    want, want_grad = reference_logits_and_grad(z, mu, kappa, temperature,
                                                upstream)
    assert np.isfinite(want).all() and np.isfinite(want_grad).all()
    features = torch.tensor(z, requires_grad=True)
    got = proco_logits(features, torch.tensor(mu), torch.tensor(kappa),
                       temperature)
    (got * torch.tensor(upstream)).sum().backward()
    np.testing.assert_allclose(got.detach().numpy(), want, rtol=1e-6,
                               atol=1e-9)
    np.testing.assert_allclose(features.grad.numpy(), want_grad, rtol=1e-6,
                               atol=1e-9)


def reference_proco_loss(mean, count, features, labels, prior, temperature):
    """ProCo's main.py training loss, written out: for each contrastive
    view in turn, the running class means take the view's features
    (weight n / (n + seen)), kappa = D R / (1 - R^2) (clamped to 1e5),
    then the view's logits go through logit-adjusted CE; the loss is the
    mean over the views. Returns the loss and the final estimate."""
    mean, count = mean.copy(), count.copy()
    num_classes, dim = mean.shape
    losses = []
    for view in range(2):
        feats = features[:, view]
        for c in range(num_classes):
            members = feats[labels == c]
            if len(members):
                weight = len(members) / (len(members) + count[c])
                mean[c] = mean[c] * (1 - weight) + members.mean(0) * weight
                count[c] += len(members)
        length = np.linalg.norm(mean, axis=1)
        with np.errstate(divide='ignore'):  # R = 1: a single member
            kappa = dim * length / (1 - length**2)
        kappa[(kappa > 1e5) | (kappa < 0)] = 1e5
        logits, _ = reference_logits_and_grad(feats, mean, kappa,
                                              temperature,
                                              np.zeros((len(feats),
                                                        num_classes)))
        adjusted = logits + np.log(prior / prior.sum())[None]
        log_softmax = adjusted - np.log(np.exp(adjusted).sum(1,
                                                             keepdims=True))
        losses.append(-log_softmax[np.arange(len(labels)), labels].mean())
    return np.mean(losses), mean, count


def built_loss(num_classes=6, dim=128, temperature=0.1, counts=None):
    loss = MODELS.build(dict(type='ProCoLoss', feat_dim=dim,
                             num_classes=num_classes,
                             temperature=temperature))
    loss.logit_adjust.set_class_counts(counts or [60, 30, 12, 6, 3, 1])
    loss.start_epoch(0)
    return loss


def test_training_loss_matches_main_py():
    rng = np.random.RandomState(0)
    loss = built_loss().double()
    # a state from earlier iterations: some classes seen, one at R > 0.999
    loss.estimate.mean.copy_(torch.tensor(rng.randn(6, 128) * 0.08))
    loss.estimate.mean[5] = F.normalize(loss.estimate.mean[5], dim=0) * 0.9995
    loss.estimate.count.copy_(torch.tensor([40., 9, 0, 3, 0, 1]))
    features = F.normalize(torch.tensor(rng.randn(10, 2, 128)), dim=-1)
    labels = torch.tensor([0, 0, 0, 1, 1, 2, 3, 3, 4, 0])
    want, want_mean, want_count = reference_proco_loss(
        loss.estimate.mean.numpy(), loss.estimate.count.numpy(),
        features.numpy(), labels.numpy(),
        np.array([60., 30, 12, 6, 3, 1]), 0.1)
    got = loss(features, labels)
    # rel 1e-7: the LA prior is float32, as the official LogitAdjust
    assert got.item() == pytest.approx(want, rel=1e-7)
    np.testing.assert_allclose(loss.estimate.mean.numpy(), want_mean,
                               rtol=1e-12, atol=1e-15)
    np.testing.assert_array_equal(loss.estimate.count.numpy(), want_count)
    # the epoch's own estimate saw only this batch
    np.testing.assert_array_equal(loss.next_estimate.count.numpy(),
                                  [8, 4, 2, 4, 2, 0])


def test_start_epoch_swaps_and_resets_reproducibly():
    loss = built_loss()
    features = F.normalize(torch.randn(6, 2, 128), dim=-1)
    loss(features, torch.tensor([0, 1, 2, 3, 4, 5]))
    seen = loss.next_estimate.mean.clone()
    loss.start_epoch(3, seed=7)
    torch.testing.assert_close(loss.estimate.mean, seen, rtol=0, atol=0)
    assert loss.estimate.count.tolist() == [2.0] * 6
    assert loss.next_estimate.count.sum() == 0
    torch.testing.assert_close(loss.next_estimate.mean.norm(dim=1),
                               torch.full((6, ), 0.9, dtype=torch.float64))
    fresh = loss.next_estimate.mean.clone()
    other = built_loss()
    other.start_epoch(3, seed=7)
    torch.testing.assert_close(other.next_estimate.mean, fresh, rtol=0,
                               atol=0)
    other.start_epoch(4, seed=7)
    assert not torch.equal(other.next_estimate.mean, fresh)


def test_estimates_are_checkpointed_buffers():
    keys = set(built_loss().state_dict())
    assert {'estimate.mean', 'estimate.count', 'next_estimate.mean',
            'next_estimate.count'} <= keys
    assert 'logit_adjust.log_prior' not in keys  # derived from the data


class Ops(TorchDispatchMode):
    """Records every aten op and the largest tensor any op returns."""

    def __init__(self):
        super().__init__()
        self.names, self.largest = [], 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        out = func(*args, **(kwargs or {}))
        self.names.append(str(func))
        for t in out if isinstance(out, (tuple, list)) else [out]:
            if isinstance(t, torch.Tensor):
                self.largest = max(self.largest, t.numel())
        return out


def test_no_n_by_c_by_d_tensor_and_no_host_sync():
    batch, classes, dim = 32, 40, 64
    loss = built_loss(classes, dim, counts=list(range(1, classes + 1)))
    features = F.normalize(torch.randn(batch, 2, dim), dim=-1)
    features.requires_grad_()
    labels = torch.randint(0, classes, (batch, ))
    with Ops() as ops:
        loss(features, labels).backward()
    # the official update expands N x C x D (here 81,920 values)
    assert ops.largest <= 2 * max(classes * dim, batch * classes,
                                  batch * 2 * dim), ops.largest
    syncs = [n for n in ops.names
             if 'local_scalar_dense' in n or 'nonzero' in n or '.item' in n]
    assert not syncs, syncs


def test_bessel_maths_stay_float64_under_autocast():
    loss = built_loss()
    features = F.normalize(torch.randn(8, 2, 128), dim=-1)
    labels = torch.tensor([0, 1, 2, 3, 4, 5, 0, 1])
    state = {k: v.clone() for k, v in loss.state_dict().items()}
    want = loss(features, labels)
    loss.load_state_dict(state)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        got = loss(features, labels)
    assert got.dtype == torch.float32
    assert got.item() == want.item()


def test_runs_on_the_meta_device():
    loss = built_loss().to('meta')
    loss.start_epoch(1)
    features = torch.randn(4, 2, 128, device='meta', requires_grad=True)
    out = loss(features, torch.tensor([0, 1, 2, 3], device='meta'))
    assert out.device.type == 'meta' and out.shape == ()
    out.backward()
    assert loss.estimate.mean.device.type == 'meta'


@pytest.mark.cuda
def test_cuda_step_has_no_host_sync():
    loss = built_loss().cuda()
    features = F.normalize(torch.randn(8, 2, 128, device='cuda'), dim=-1)
    features.requires_grad_()
    labels = torch.tensor([0, 1, 2, 3, 4, 5, 0, 1], device='cuda')
    loss(features, labels)  # warm-up
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        loss(features, labels).backward()
    finally:
        torch.cuda.set_sync_debug_mode(0)


def test_errors_name_the_value():
    with pytest.raises(ValueError, match='feature size >= 32.*got 8'):
        ProCoLoss(feat_dim=8, num_classes=3)
    with pytest.raises(ValueError, match='temperature must be > 0, got 0'):
        ProCoLoss(feat_dim=32, num_classes=3, temperature=0)
    loss = ProCoLoss(feat_dim=32, num_classes=3)
    with pytest.raises(RuntimeError, match='ProCoEstimatorHook'):
        loss(torch.randn(2, 2, 32), torch.tensor([0, 1]))
    loss.start_epoch(0)
    with pytest.raises(ValueError,
                       match=r'features \(B, 2, 32\).*\(2, 2, 16\)'):
        loss(torch.randn(2, 2, 16), torch.tensor([0, 1]))
