from unittest import TestCase

import pytest
import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss
from mmpretrain.registry import MODELS


def reference_bcl_loss(features, labels, prototypes, temperature,
                       class_averaging=True, class_complement=True):
    """The loss written out from its equation, one anchor at a time, in
    float64: eq. 6 of the paper with both switches on, SupCon's ``L_out``
    (Khosla et al., 2020, eq. 2) with both off."""
    f = features.double()
    batch = f.size(0)
    anchors = [f[b, v] for v in range(2) for b in range(batch)]
    anchor_labels = [int(labels[b]) for v in range(2) for b in range(batch)]
    keys, key_labels = list(anchors), list(anchor_labels)
    if class_complement:
        p = prototypes.double()
        keys += [p[c] for c in range(p.size(0))]
        key_labels += list(range(p.size(0)))
    total = 0
    for i, (z, y) in enumerate(zip(anchors, anchor_labels)):
        denominator = 0
        for j in sorted(set(key_labels)):
            members = [
                k for k in range(len(keys)) if key_labels[k] == j and k != i
            ]
            if not members:
                continue
            class_sum = sum(
                torch.exp(z @ keys[k] / temperature) for k in members)
            denominator = denominator + (
                class_sum / len(members) if class_averaging else class_sum)
        positives = [
            k for k in range(len(keys)) if key_labels[k] == y and k != i
        ]
        total = total - sum(
            torch.log(torch.exp(z @ keys[k] / temperature) / denominator)
            for k in positives) / len(positives)
    return total / len(anchors)


#: (class_averaging, class_complement): BCL, the two halves, SupCon
VARIANTS = [(True, True), (True, False), (False, True), (False, False)]


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

    def test_variants_match_reference(self):
        for averaging, complement in VARIANTS:
            for seed in range(3):
                f, y, p = random_inputs(seed, LABELS, num_classes=4)
                got = bcl_loss(f, y, p, 0.1, class_averaging=averaging,
                               class_complement=complement, num_classes=4)
                want = reference_bcl_loss(f, y, p, 0.1, averaging,
                                          complement)
                torch.testing.assert_close(
                    got.double(), want, rtol=1e-5, atol=1e-5)
            f, y, p = random_inputs(5, [0, 1, 1, 2, 3, 3, 3, 4], 6)
            got = bcl_loss(f.double(), y, p.double(), 0.2, averaging,
                           complement, num_classes=6)
            want = reference_bcl_loss(f, y, p, 0.2, averaging, complement)
            torch.testing.assert_close(got, want, rtol=1e-10, atol=1e-10)

    def test_variant_gradients_match_reference(self):
        for averaging, complement in VARIANTS:
            for seed in range(2):
                f, y, p = random_inputs(seed, LABELS, num_classes=4)
                f64 = f.double().requires_grad_()
                p64 = p.double().requires_grad_()
                reference_bcl_loss(f64, y, p64, 0.1, averaging,
                                   complement).backward()
                f32 = f.clone().requires_grad_()
                p32 = p.clone().requires_grad_()
                bcl_loss(f32, y, p32, 0.1, averaging, complement,
                         num_classes=4).backward()
                torch.testing.assert_close(
                    f32.grad.double(), f64.grad, rtol=1e-4, atol=1e-5)
                if complement:
                    torch.testing.assert_close(
                        p32.grad.double(), p64.grad, rtol=1e-4, atol=1e-5)
                else:  # the prototypes are not used at all
                    self.assertIsNone(p32.grad)

    def test_variants_differ(self):
        """Each switch changes the loss (none is silently ignored)."""
        f, y, p = random_inputs(1, LABELS, num_classes=4)
        values = {v: bcl_loss(f, y, p, 0.1, *v).item() for v in VARIANTS}
        self.assertEqual(len(set(values.values())), 4, values)

    def test_supcon_needs_no_prototypes(self):
        f, y, _ = random_inputs(0, LABELS, num_classes=4)
        loss = MODELS.build(dict(type='BCLLoss', class_averaging=False,
                                 class_complement=False))
        # num_classes from the labels when not given
        torch.testing.assert_close(loss(f, y), loss(f, y, num_classes=9))
        with pytest.raises(ValueError, match='needs the class prototypes'):
            bcl_loss(f, y, None)

    def test_switches_must_be_bool(self):
        with pytest.raises(TypeError, match="class_averaging must be True "
                           "or False, got 'yes'"):
            MODELS.build(dict(type='BCLLoss', class_averaging='yes'))

    def test_non_finite_features_pass_through(self):
        """NaN/Inf give a non-finite loss (for AMP's scaler), not an abort."""
        f, y, p = random_inputs(0, LABELS, num_classes=4)
        f[2, 1, 0] = float('nan')
        self.assertTrue(torch.isnan(bcl_loss(f, y, p)))
        f, y, p = random_inputs(0, LABELS, num_classes=4)
        p[1, 1] = float('inf')
        self.assertFalse(torch.isfinite(bcl_loss(f, y, p)))

    def test_temperature_error(self):
        with pytest.raises(ValueError, match='temperature must be > 0'):
            MODELS.build(dict(type='BCLLoss', temperature=0))
