"""PackHWCInputs packs images as they are."""
import numpy as np
import torch

from mmbcl.datasets.transforms import PackHWCInputs
from mmpretrain.datasets.transforms import PackInputs


def test_packs_hwc_without_copy_and_labels_as_pack_inputs():
    img = np.random.RandomState(0).randint(0, 256, (5, 7, 3), np.uint8)
    out = PackHWCInputs()(dict(img=img, gt_label=3))
    ref = PackInputs()(dict(img=img, gt_label=3))
    assert out['inputs'].shape == (5, 7, 3)
    assert out['inputs'].data_ptr() == img.ctypes.data  # no copy
    assert torch.equal(out['inputs'].permute(2, 0, 1), ref['inputs'])
    assert out['data_samples'].gt_label == ref['data_samples'].gt_label


def test_views_grayscale_and_non_contiguous():
    rng = np.random.RandomState(0)
    views = [rng.randint(0, 256, (4, 6, 3), np.uint8)[:, ::-1],
             rng.randint(0, 256, (4, 6), np.uint8)]
    out = PackHWCInputs()(dict(img=views))['inputs']
    assert [tuple(v.shape) for v in out] == [(4, 6, 3), (4, 6, 1)]
    assert np.array_equal(out[0].numpy(), views[0])
