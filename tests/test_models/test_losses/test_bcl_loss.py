from unittest import TestCase

import pytest
import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss
from mmpretrain.registry import MODELS


def reference_bcl_loss(features, labels, prototypes, temperature):
    """Eq. 6 of the paper written out, one anchor at a time, in float64."""
    f, p = features.double(), prototypes.double()
    batch, num_classes = f.size(0), p.size(0)
    anchors = [f[b, v] for v in range(2) for b in range(batch)]
    anchor_labels = [int(labels[b]) for v in range(2) for b in range(batch)]
    keys = anchors + [p[c] for c in range(num_classes)]
    key_labels = anchor_labels + list(range(num_classes))
    total = 0
    for i, (z, y) in enumerate(zip(anchors, anchor_labels)):
        denominator = 0
        for j in range(num_classes):
            members = [
                k for k in range(len(keys)) if key_labels[k] == j and k != i
            ]
            denominator = denominator + sum(
                torch.exp(z @ keys[k] / temperature)
                for k in members) / len(members)
        positives = [
            k for k in range(len(keys)) if key_labels[k] == y and k != i
        ]
        total = total - sum(
            torch.log(torch.exp(z @ keys[k] / temperature) / denominator)
            for k in positives) / len(positives)
    return total / len(anchors)


def random_inputs(seed, labels, num_classes, dim=8):
    g = torch.Generator().manual_seed(seed)
    features = F.normalize(
        torch.randn(len(labels), 2, dim, generator=g), dim=-1)
    prototypes = F.normalize(
        torch.randn(num_classes, dim, generator=g), dim=-1)
    return features, torch.tensor(labels), prototypes


# class 3 absent from the batch, class 2 with a single sample
LABELS = [0, 0, 0, 1, 1, 2]


class TestBCLLoss(TestCase):
    DEFAULT_ARGS = dict(type='BCLLoss', temperature=0.1)

    def test_matches_reference(self):
        for seed in range(4):
            for temperature in (0.07, 0.1, 0.5):
                f, y, p = random_inputs(seed, LABELS, num_classes=4)
                got = bcl_loss(f, y, p, temperature)
                want = reference_bcl_loss(f, y, p, temperature)
                torch.testing.assert_close(
                    got.double(), want, rtol=1e-5, atol=1e-5)

    def test_gradients_match_reference(self):
        for seed in range(3):
            f, y, p = random_inputs(seed, LABELS, num_classes=4)
            f64 = f.double().requires_grad_()
            p64 = p.double().requires_grad_()
            reference_bcl_loss(f64, y, p64, 0.1).backward()
            f32, p32 = f.clone().requires_grad_(), p.clone().requires_grad_()
            bcl_loss(f32, y, p32, 0.1).backward()
            torch.testing.assert_close(
                f32.grad.double(), f64.grad, rtol=1e-4, atol=1e-5)
            torch.testing.assert_close(
                p32.grad.double(), p64.grad, rtol=1e-4, atol=1e-5)

    def test_float64_exact(self):
        f, y, p = random_inputs(7, [0, 1, 1, 2, 3, 3, 3, 4], num_classes=6)
        got = bcl_loss(f.double(), y, p.double(), 0.1)
        want = reference_bcl_loss(f, y, p, 0.1)
        torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)

    def test_fp32_inside_bf16_autocast(self):
        f, y, p = random_inputs(2, LABELS, num_classes=4)
        proj = torch.nn.Linear(8, 8)
        with torch.autocast('cpu', dtype=torch.bfloat16):
            fb = F.normalize(proj(f), dim=-1)
            self.assertEqual(fb.dtype, torch.bfloat16)
            got = bcl_loss(fb, y, p)
        self.assertEqual(got.dtype, torch.float32)
        want = bcl_loss(F.normalize(proj(f), dim=-1), y, p)
        self.assertTrue(torch.isfinite(got))
        torch.testing.assert_close(got, want, rtol=0.02, atol=0.02)

    def test_build_and_weight(self):
        loss = MODELS.build(dict(self.DEFAULT_ARGS, loss_weight=0.6))
        f, y, p = random_inputs(0, LABELS, num_classes=4)
        torch.testing.assert_close(loss(f, y, p), 0.6 * bcl_loss(f, y, p))

    def test_view_count_error(self):
        loss = MODELS.build(self.DEFAULT_ARGS)
        f = F.normalize(torch.randn(6, 3, 8), dim=-1)
        with pytest.raises(ValueError, match='exactly 2 contrastive views'):
            loss(f, torch.tensor(LABELS), torch.randn(4, 8))

    def test_label_out_of_range_error(self):
        f, _, p = random_inputs(0, LABELS, num_classes=4)
        for bad in (4, -1):
            with pytest.raises(RuntimeError, match=r'outside \[0, 4\)'):
                bcl_loss(f, torch.tensor([0, 0, 0, 1, 1, bad]), p)

    def test_nan_features_raise(self):
        f, y, p = random_inputs(0, LABELS, num_classes=4)
        f[2, 1, 0] = float('nan')
        with pytest.raises(RuntimeError, match='contain NaN/Inf'):
            bcl_loss(f, y, p)
        p[1, 1] = float('inf')
        with pytest.raises(RuntimeError, match='contain NaN/Inf'):
            bcl_loss(F.normalize(torch.randn(6, 2, 8), dim=-1), y, p)

    def test_temperature_error(self):
        with pytest.raises(ValueError, match='temperature must be > 0'):
            MODELS.build(dict(type='BCLLoss', temperature=0))
