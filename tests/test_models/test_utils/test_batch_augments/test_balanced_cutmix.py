"""ConCutMix's paste in the data preprocessors: the box of ConCutMix's
``rand_bbox``, the area label equal to the pasted area pixel for pixel, on
the CPU-pipeline and the device-augmentation preprocessors."""
import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.models.utils.batch_augments import cutmix_box
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

B, C, H, W = 4, 5, 12, 10


def rand_bbox(height, width, lam, cy, cx):
    """ConCutMix's ``rand_bbox`` (CutMix's), with its random centre given."""
    cut_rat = np.sqrt(1. - lam)
    cut_h, cut_w = np.int64(height * cut_rat), np.int64(width * cut_rat)
    y1, y2 = np.clip(cy - cut_h // 2, 0, height), np.clip(cy + cut_h // 2, 0,
                                                          height)
    x1, x2 = np.clip(cx - cut_w // 2, 0, width), np.clip(cx + cut_w // 2, 0,
                                                         width)
    return y1, y2, x1, x2


def test_box_is_concutmix_rand_bbox():
    rng = np.random.default_rng(0)
    for _ in range(500):
        lam, u, v = rng.random(3)
        h, w = rng.integers(1, 300, 2)
        y1, y2, x1, x2, got = cutmix_box((1, lam, u, v), int(h), int(w))
        want = rand_bbox(h, w, lam, int(u * h), int(v * w))
        assert (y1, y2, x1, x2) == tuple(int(x) for x in want)
        assert got == 1 - (y2 - y1) * (x2 - x1) / (h * w)


def batch(paste, plan=(1, 0.5, 0.5, 0.5), hwc=False):
    g = torch.Generator().manual_seed(0)
    views = [
        torch.randint(0, 255, (B, 3, H, W), dtype=torch.uint8, generator=g)
        for _ in range(3)
    ]
    paste_inputs = torch.full((B, 3, H, W), 255, dtype=torch.uint8)
    if hwc:
        views = [v.permute(0, 2, 3, 1).contiguous() for v in views]
        paste_inputs = paste_inputs.permute(0, 2, 3, 1).contiguous()
    data = dict(
        inputs=views,
        data_samples=[DataSample().set_gt_label(c) for c in (0, 1, 2, 3)])
    if paste:
        data.update(
            paste_inputs=paste_inputs,
            paste_labels=torch.tensor([[4], [3], [0], [4]]),
            paste_plans=torch.tensor([plan] + [(0, 0.1, 0.1, 0.1)] *
                                     (B - 1), dtype=torch.float64))
    return data


PREPROCESSORS = {
    'cpu': dict(type='MultiViewDataPreprocessor', num_classes=C),
    'gpu-aug': dict(type='DeviceAugmentDataPreprocessor', num_classes=C,
                    hwc_inputs=True, view_augments=[[], [], []]),
}


def run(kind, data):
    pre = MODELS.build(dict(PREPROCESSORS[kind], mean=[0, 0, 0],
                            std=[1, 1, 1]))
    if kind == 'gpu-aug':
        data['augment_plans'] = torch.zeros(B, 3, 1)
        if 'paste_inputs' in data:
            data['paste_augment_plans'] = torch.zeros(B, 1, 1)
    return pre(data, training=True)


@pytest.mark.parametrize('kind', sorted(PREPROCESSORS))
@pytest.mark.parametrize('seed', range(5))
def test_pasted_area_is_the_label_lambda(kind, seed):
    """Pixel for pixel: the share of each image still its own is the lam
    of its label; the box is the first image's plan, for every image."""
    lam, u, v = np.random.default_rng(seed).random(3)
    out = run(kind, batch(True, (1, lam, u, v), hwc=kind == 'gpu-aug'))
    view = out['inputs'][0]
    reference = run(kind, batch(False, hwc=kind == 'gpu-aug'))['inputs']
    pasted = view == 255  # the originals are below 255
    assert (pasted == pasted[:1]).all()  # one box for the batch
    own = 1 - pasted[:, 0].float().mean((1, 2))
    for i, sample in enumerate(out['data_samples']):
        label, paste_label = int(sample.gt_label), [4, 3, 0, 4][i]
        want = torch.zeros(C)
        want[label] += own[i]
        want[paste_label] += 1 - own[i]
        torch.testing.assert_close(sample.gt_score, want, rtol=0,
                                   atol=1e-6)
    torch.testing.assert_close(view[~pasted], reference[0][~pasted])
    for got, want in zip(out['inputs'][1:], reference[1:]):
        torch.testing.assert_close(got, want)  # contrastive views untouched


@pytest.mark.parametrize('kind', sorted(PREPROCESSORS))
def test_unpasted_batch_is_plain_bcl(kind):
    hwc = kind == 'gpu-aug'
    out = run(kind, batch(True, (0, 0.3, 0.5, 0.5), hwc=hwc))
    reference = run(kind, batch(False, hwc=hwc))
    for got, want in zip(out['inputs'], reference['inputs']):
        torch.testing.assert_close(got, want)
    assert 'gt_score' not in out['data_samples'][0]


def test_device_path_augments_the_paste_view_as_the_classification_view():
    """The paste view gets view 0's device-side plan, read from its own
    ``paste_augment_plans``."""
    pre = MODELS.build(dict(
        type='DeviceAugmentDataPreprocessor', num_classes=C, hwc_inputs=True,
        mean=[0, 0, 0], std=[1, 1, 1],
        view_augments=[[dict(type='RandomGrayscale', prob=1.0,
                             keep_channels=True)], [], []]))
    data = batch(True, (1, 0.0, 0.5, 0.5), hwc=True)  # the whole image
    g = torch.Generator().manual_seed(1)
    data['paste_inputs'] = torch.randint(0, 256, (B, H, W, 3),
                                         dtype=torch.uint8, generator=g)
    data['augment_plans'] = torch.ones(B, 3, 1)
    data['paste_augment_plans'] = torch.ones(B, 1, 1)
    view = pre(data, training=True)['inputs'][0]
    assert (view[:, 0] == view[:, 1]).all() and (view[:, 1] ==
                                                 view[:, 2]).all()
    with pytest.raises(ValueError, match='paste_augment_plans'):
        pre(batch(True, hwc=True) | dict(augment_plans=torch.ones(B, 3, 1)),
            training=True)


def test_soft_labels_need_num_classes():
    pre = MODELS.build(dict(type='MultiViewDataPreprocessor'))
    with pytest.raises(ValueError, match='num_classes'):
        pre(batch(True), training=True)
