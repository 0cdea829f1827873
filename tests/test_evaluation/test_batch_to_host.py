"""The metrics copy each batch to the host once: the work of ``process``
does not grow with the batch, and no tensor is read one sample at a time
(a per-sample ``.cpu()``/``int(t)`` waits for the GPU each time).
"""
from collections import Counter

import numpy as np
import pytest
import torch
from torch.utils._python_dispatch import TorchDispatchMode

from mmbcl.evaluation.batch_to_host import batch_field, batch_labels
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample

METRICS_UNDER_TEST = [
    dict(type='NeuralCollapse', class_counts=[5, 3, 1]),
    dict(type='SimplexGeometry', class_counts=[5, 3, 1]),
    dict(type='ShotAccuracy', class_counts=[5, 3, 1]),
    dict(type='DumpLTResults', out_file_path='unused.npz'),
]


class Ops(TorchDispatchMode):

    def __init__(self):
        super().__init__()
        self.ops = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        self.ops[str(func)] += 1
        return func(*args, **(kwargs or {}))


def batch(n, dtype=torch.float32):
    out = []
    for i in range(n):
        sample = DataSample().set_gt_label(i % 3).set_pred_label((i + 1) % 3)
        sample.set_field(torch.randn(4, dtype=dtype), 'contrast_feat')
        sample.set_field(torch.randn(6, dtype=dtype), 'backbone_feat')
        out.append(sample.to_dict())
    return out


@pytest.mark.parametrize('cfg', METRICS_UNDER_TEST,
                         ids=lambda c: c['type'])
def test_process_does_no_per_sample_tensor_work(cfg):
    counts = []
    for n in (4, 32):
        metric = METRICS.build(cfg)
        samples = batch(n)
        with Ops() as ops:
            metric.process(None, samples)
        counts.append(ops.ops)
        assert len(metric.results) == n
    assert counts[0] == counts[1], counts  # the same ops for 4 or 32
    assert 'aten._local_scalar_dense.default' not in counts[1]


def test_process_keeps_each_sample_in_order():
    samples = batch(5)
    metric = METRICS.build(dict(type='NeuralCollapse'))
    metric.process(None, samples)
    for (found, label), sample in zip(metric.results, samples):
        assert label == int(sample['gt_label'][0])
        np.testing.assert_array_equal(found['contrast'],
                                      sample['contrast_feat'].numpy())
    metric = METRICS.build(dict(type='ShotAccuracy'))
    metric.process(None, samples)
    assert metric.results == [((i + 1) % 3, i % 3) for i in range(5)]


def test_batch_field_and_labels():
    samples = batch(3, torch.bfloat16)
    values = batch_field(samples, 'backbone_feat')
    assert values.shape == (3, 6) and values.dtype == np.float32
    assert batch_labels(samples) == [0, 1, 2]
    assert batch_labels(samples, 'pred_label') == [1, 2, 0]
    arrays = [dict(f=np.ones(2), gt_label=np.array([4]))] * 2
    assert batch_field(arrays, 'f').shape == (2, 2)
    assert batch_labels(arrays) == [4, 4]
    multi = [dict(gt_label=torch.tensor([2, 5]))]
    assert batch_labels(multi) == [2]


@pytest.mark.cuda
@pytest.mark.parametrize('cfg', METRICS_UNDER_TEST,
                         ids=lambda c: c['type'])
def test_process_syncs_once_per_field_on_cuda(cfg):
    """With CUDA's sync debug mode warning, ``process`` of 32 samples on
    the GPU syncs once per field it reads, not per sample."""
    import warnings
    metric = METRICS.build(cfg)
    samples = [{k: v.cuda() if isinstance(v, torch.Tensor) else v
                for k, v in s.items()} for s in batch(32)]
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('warn')
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter('always')
            metric.process(None, samples)
    finally:
        torch.cuda.set_sync_debug_mode('default')
    syncs = [w for w in caught if 'synchroniz' in str(w.message)]
    assert 1 <= len(syncs) <= 4, [str(w.message) for w in syncs]
