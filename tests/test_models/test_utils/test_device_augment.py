"""DeviceAugmentDataPreprocessor: the gpu-aug recipes' views equal the CPU
recipes' views in distribution, image by image, deterministically."""
import os.path as osp
import random
from collections import Counter

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmbcl.models.utils import DeviceAugment
from mmbcl.models.utils import device_augment
from mmpretrain.registry import MODELS

from . import test_batch_ops

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
# gpu-aug recipe -> the CPU recipe it moves to the device, and its size
RECIPES = {
    'resnext50_imagenet_lt_gpu-aug': ('resnext50_imagenet_lt', 64),
    'resnet32_cifar100_lt_r100_gpu-aug': ('resnet32_cifar100_lt_r100', 32),
}


def config(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{name}.py'))


def photo(seed, size):
    return test_batch_ops.photo(seed, size, size, block=8)


def build_preprocessor(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(cfg)


def cpu_views(name):
    """The CPU recipe's views, as (crop + flip, photometric rest)."""
    multi_view = config(name).train_dataloader.dataset.pipeline
    multi_view = next(t for t in multi_view if t['type'] == 'MultiView')
    return [(view[:2], view[2:]) for view in multi_view['transforms']]


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_gpu_aug_recipe_splits_the_cpu_recipe(name):
    """CPU side: the CPU recipe's crop and flip only; device side: the rest
    of each view, the same transform configs in the same order."""
    cfg = config(name)
    reference = cpu_views(RECIPES[name][0])
    multi_view = next(t for t in cfg.train_dataloader.dataset.pipeline
                      if t['type'] == 'MultiView')
    assert multi_view['num_views'] == [1, 2]
    assert [v for v in multi_view['transforms']] == [
        reference[0][0], reference[1][0]
    ]
    augments = cfg.data_preprocessor.view_augments
    assert augments == [reference[0][1], reference[1][1], reference[1][1]]
    assert cfg.data_preprocessor.type == 'DeviceAugmentDataPreprocessor'


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_device_views_equal_the_cpu_views_seed_by_seed(name):
    """Seeded alike, each view's device augmentation draws what the CPU
    transforms draw and gives the same image: mean absolute difference per
    image at most 8 grey levels, median at most 2 (mmcv rounds to uint8
    after each op; the device keeps floats)."""
    size = RECIPES[name][1]
    for augments in config(name).data_preprocessor.view_augments[:2]:
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            cpu = Compose(augments)
        device = DeviceAugment(augments)
        means = []
        for seed in range(40):
            img = photo(seed, size)
            np.random.seed(seed)
            random.seed(seed)
            ref = cpu(dict(img=img.copy()))['img']
            x = torch.from_numpy(img[..., ::-1].copy()).permute(2, 0, 1)
            out = device(x[None].float(), seed)[0].permute(1, 2, 0).numpy()
            means.append(np.abs(out[..., ::-1] - ref).mean())
        assert max(means) <= 8 and np.median(means) <= 2, means


def plans(name, view, num=3000):
    augments = config(name).data_preprocessor.view_augments[view]
    return DeviceAugment(augments).draw(num, seed=0)


def test_imagenet_parameter_ranges_match_the_config():
    cls_plans, sim_plans = (plans('resnext50_imagenet_lt_gpu-aug', v)
                            for v in (0, 1))
    # classification view: ColorJitter(0.4, 0.4, 0.4) always, no hue
    for steps in cls_plans:
        jitter = [s for s in steps[:3]]
        assert sorted(k[0] for k, _ in jitter) == [
            'brightness', 'contrast', 'saturation'
        ]
        assert all(0.6 <= f <= 1.4 for _, f in jitter)
    # sim views: jitter with hue at p 0.8, grayscale at p 0.2
    jittered = [s for s in sim_plans if any(k[0] == 'hue' for k, _ in s)]
    assert abs(len(jittered) / len(sim_plans) - 0.8) < 0.03
    gray = [s for s in sim_plans if s and s[-1][0][0] == 'grayscale']
    assert abs(len(gray) / len(sim_plans) - 0.2) < 0.03
    hues = [f for s in sim_plans for k, f in s if k[0] == 'hue']
    assert -0.1 <= min(hues) < -0.099 and 0.099 < max(hues) <= 0.1
    # RandAugment: every op of the timm set, chosen per image
    ops = Counter(k[:2] if k[0] in ('shear', 'translate') else k[:1]
                  for s in cls_plans for k, _ in s[3:])
    assert len(ops) == 15, ops
    assert {k[-2] for s in cls_plans for k, _ in s[3:]
            if k[0] in ('rotate', 'shear', 'translate')
            } == {'bilinear', 'bicubic'}  # timm's random interpolation
    angles = [a for s in cls_plans for k, a in s if k[0] == 'rotate']
    assert max(map(abs, angles)) <= 30 and min(angles) < 0 < max(angles)


def test_cifar_parameter_ranges_match_the_config():
    sim_plans = plans('resnet32_cifar100_lt_r100_gpu-aug', 1)
    radii = [r for s in sim_plans for k, r in s if k[0] == 'gaussian_blur']
    assert {k for s in sim_plans for k, _ in s
            if k[0] == 'gaussian_blur'} == {('gaussian_blur', 2.0)}
    assert abs(len(radii) / len(sim_plans) - 0.5) < 0.03
    assert 0.1 <= min(radii) < 0.11 and 1.99 < max(radii) <= 2.0
    cls_plans = plans('resnet32_cifar100_lt_r100_gpu-aug', 0)
    assert len({tuple(k[0] for k, _ in s) for s in cls_plans}) > 25


def batch_of_one_image(num=8, size=32, hwc=True):
    """3 views of ``num`` copies of one image, packed as PackHWCInputs
    (the gpu-aug recipes) or PackInputs."""
    img = torch.from_numpy(photo(0, size))
    img = img if hwc else img.permute(2, 0, 1)
    return [img[None].repeat(num, 1, 1, 1) for _ in range(3)]


def test_views_of_one_image_differ_within_a_batch():
    cfg = config('resnet32_cifar100_lt_r100_gpu-aug').data_preprocessor
    pre = build_preprocessor(dict(cfg, seed=0))
    MessageHub.get_instance('views_differ_test').update_info('iter', 0)
    out = pre(dict(inputs=batch_of_one_image(16), data_samples=None),
              training=True)['inputs']
    for view in out:  # 16 copies, per-image parameters
        distinct = {tuple(v.flatten().tolist()) for v in view}
        assert len(distinct) >= 10
    assert not torch.equal(out[1], out[2])


def test_deterministic_per_iteration_and_rank(monkeypatch):
    cfg = config('resnext50_imagenet_lt_gpu-aug').data_preprocessor
    pre = build_preprocessor(dict(cfg, seed=3))
    hub = MessageHub.get_instance('device_augment_test')
    data = dict(inputs=batch_of_one_image(4, 48), data_samples=None)

    def run(iteration):
        hub.update_info('iter', iteration)
        return pre(data, training=True)['inputs']

    np_state, py_state = np.random.get_state(), random.getstate()
    first, again, other = run(5), run(5), run(6)
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert not torch.equal(first[0], other[0])
    # the global random states are left untouched
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    assert random.getstate() == py_state
    monkeypatch.setattr(device_augment, 'get_rank', lambda: 1)
    assert not torch.equal(run(5)[0], first[0])


def test_validation_and_single_view_batches_pass_through():
    cfg = config('resnext50_imagenet_lt_gpu-aug').data_preprocessor
    pre = build_preprocessor(cfg)
    plain = build_preprocessor({
        k: v
        for k, v in cfg.items() if k not in ('view_augments', 'hwc_inputs')
    } | dict(type='MultiViewDataPreprocessor'))
    views = batch_of_one_image(2, 16, hwc=False)  # the test pipeline's
    for training in (False, True):
        single = dict(inputs=views[0], data_samples=None)
        torch.testing.assert_close(
            pre(single, training)['inputs'], plain(single,
                                                   training)['inputs'])
    out = pre(dict(inputs=views, data_samples=None), False)['inputs']
    ref = plain(dict(inputs=views, data_samples=None), False)['inputs']
    assert all(torch.equal(a, b) for a, b in zip(out, ref))


@pytest.mark.parametrize('view_augments, match', [
    ([[dict(type='RandomErasing', erase_prob=0.5)]], 'RandomErasing'),
    ([[dict(type='RandAugment', policies=[dict(type='Cutout', shape=8)],
            num_policies=1, magnitude_level=5)]], 'Cutout'),
    (dict(type='ColorJitter'), 'one list of transform configs per view'),
])
def test_unsupported_transforms_fail_at_build(view_augments, match):
    with pytest.raises(ValueError, match=match):
        build_preprocessor(dict(type='DeviceAugmentDataPreprocessor',
                                view_augments=view_augments))


def test_wrong_number_of_views_is_refused():
    pre = build_preprocessor(dict(type='DeviceAugmentDataPreprocessor',
                                  view_augments=[[], []]))
    with pytest.raises(ValueError, match='the batch has 3 views'):
        pre(dict(inputs=batch_of_one_image(2, 8), data_samples=None), True)


@pytest.mark.parametrize('hwc_inputs', [True, False])
def test_layout_not_matching_the_packing_is_refused(hwc_inputs):
    pre = build_preprocessor(dict(type='DeviceAugmentDataPreprocessor',
                                  hwc_inputs=hwc_inputs,
                                  view_augments=[[], [], []]))
    views = batch_of_one_image(2, 8, hwc=not hwc_inputs)
    with pytest.raises(ValueError, match='hwc_inputs must match'):
        pre(dict(inputs=views, data_samples=None), True)


def test_hwc_and_chw_packing_give_the_same_batch():
    cfg = config('resnet32_cifar100_lt_r100_gpu-aug').data_preprocessor
    hub = MessageHub.get_instance('layout_test')
    hub.update_info('iter', 0)
    out = {}
    for hwc in (True, False):
        pre = build_preprocessor(dict(cfg, seed=1, hwc_inputs=hwc))
        out[hwc] = pre(dict(inputs=batch_of_one_image(4, 32, hwc=hwc),
                            data_samples=None), True)['inputs']
    assert all(torch.equal(a, b) for a, b in zip(out[True], out[False]))


def test_runs_in_fp32_inside_autocast():
    """The preprocessor runs inside the AMP context: the augmentation keeps
    fp32 (bf16 autocast on the CPU here)."""
    augments = config('resnext50_imagenet_lt_gpu-aug').data_preprocessor
    augment = DeviceAugment(augments.view_augments[0])
    x = torch.from_numpy(photo(0, 48)).permute(2, 0, 1)[None].float()
    x = x.repeat(4, 1, 1, 1)
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = augment(x, 3)
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, augment(x, 3))


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_every_view_runs_on_meta_tensors(name):
    """No kernel reads a value back to the host (a device sync) or mixes
    in a CPU tensor: the views run on PyTorch's ``meta`` device."""
    for augments in config(name).data_preprocessor.view_augments:
        out = DeviceAugment(augments)(
            torch.empty(32, 3, 16, 16, device='meta'), seed=0)
        assert out.device.type == 'meta' and out.shape == (32, 3, 16, 16)
