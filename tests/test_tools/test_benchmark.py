"""The benchmark's baseline is the same loss (timings live in the script)."""
import os.path as osp
import sys

import torch

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss

sys.path.insert(
    0,
    osp.join(
        osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
        'tools', 'analysis_tools'))
from benchmark import loss_inputs, naive_bcl_loss  # noqa: E402


def test_naive_baseline_equals_mmbcl_loss():
    for num_classes, dim in ((10, 16), (37, 8)):
        feats, protos, labels = loss_inputs(num_classes, dim, 'cpu', batch=24)
        ours = bcl_loss(feats, labels, protos, 0.07)
        ours.backward()
        grads = feats.grad.clone(), protos.grad.clone()
        feats.grad = protos.grad = None
        naive = naive_bcl_loss(protos, feats, labels, num_classes, 0.07)
        naive.backward()
        torch.testing.assert_close(ours, naive, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(grads[0], feats.grad, rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(grads[1], protos.grad, rtol=1e-4,
                                   atol=1e-6)
