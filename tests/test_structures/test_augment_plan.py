"""The augmentation-plan record: what a view's transforms draw, image by
image, follows its config's probabilities and ranges."""
import os.path as osp
import random
from collections import Counter

import numpy as np
import pytest
from mmengine.config import Config

import mmbcl  # noqa: F401
from mmbcl.structures import PlanLayout, check_view_augments, plan_length

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def config(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{name}.py'))


def plans(name, view, num=3000):
    layout = PlanLayout(config(name).data_preprocessor.view_augments[view])
    np.random.seed(0)
    random.seed(0)
    return [layout.describe(layout.draw(32, 32)) for _ in range(num)]


def test_imagenet_draws_match_the_config():
    cls_plans, sim_plans = (plans('resnext50_imagenet_lt_gpu-aug', v)
                            for v in (0, 1))
    # classification view: ColorJitter(0.4, 0.4, 0.4) always, no hue
    for steps in cls_plans:
        jitter = steps[:3]
        assert sorted(k for k, _ in jitter) == [
            'brightness', 'contrast', 'saturation']
        assert all(0.6 <= f <= 1.4 for _, f in jitter)
    # sim views: jitter with hue at p 0.8, grayscale at p 0.2
    jittered = [s for s in sim_plans if any(k[0] == 'hue' for k in s)]
    assert abs(len(jittered) / len(sim_plans) - 0.8) < 0.03
    gray = [s for s in sim_plans if s and s[-1][0] == 'grayscale']
    assert abs(len(gray) / len(sim_plans) - 0.2) < 0.03
    hues = [f for s in sim_plans for k, f, *_ in s if k == 'hue']
    assert -0.1 <= min(hues) < -0.099 and 0.099 < max(hues) <= 0.1
    # RandAugment: every op of the timm set, chosen per image
    ops = Counter(step[0] if step[0] != 'affine' else ('affine', step[2])
                  for s in cls_plans for step in s[3:])
    table_and_blend = {k for k in ops if isinstance(k, str)}
    assert table_and_blend == {
        'auto_contrast', 'equalize', 'invert', 'posterize', 'solarize',
        'solarize_add', 'saturation', 'contrast', 'brightness', 'sharpness'}
    # the 5 geometric ops (rotate, shear x / y, translate x / y), read off
    # their inverse maps
    thetas = [np.array(k[1]).reshape(2, 3) for k in ops if k[0] == 'affine']
    rotations = [t for t in thetas if abs(t[0, 1]) > 1e-6 and
                 abs(t[1, 0]) > 1e-6]
    shears_x = [t for t in thetas if abs(t[0, 1]) > 1e-6 and
                abs(t[1, 0]) < 1e-9]
    shears_y = [t for t in thetas if abs(t[1, 0]) > 1e-6 and
                abs(t[0, 1]) < 1e-9]
    moves = [t for t in thetas if abs(t[0, 1]) < 1e-9 and
             abs(t[1, 0]) < 1e-9]
    assert rotations and shears_x and shears_y
    assert {bool(abs(t[0, 2]) > 1e-6) for t in moves} == {True, False}
    modes = {step[1] for s in cls_plans for step in s[3:]
             if step[0] == 'affine'}
    assert modes == {'bilinear', 'bicubic'}  # timm's random interpolation
    angles = [np.degrees(np.arctan2(t[1, 0], t[0, 0])) for t in rotations]
    assert max(map(abs, angles)) <= 30 + 1e-6
    assert min(angles) < 0 < max(angles)


def test_cifar_draws_match_the_config():
    sim_plans = plans('resnet32_cifar100_lt_r100_gpu-aug', 1)
    radii = [r for s in sim_plans for k, r in s if k == 'gaussian_blur']
    assert abs(len(radii) / len(sim_plans) - 0.5) < 0.03
    assert 0.1 <= min(radii) < 0.11 and 1.99 < max(radii) <= 2.0
    cls_plans = plans('resnet32_cifar100_lt_r100_gpu-aug', 0)
    assert len({tuple(step[0] for step in s) for s in cls_plans}) > 25


def test_a_record_holds_each_stage_at_its_offset():
    layout = PlanLayout([
        dict(type='RandomGrayscale', prob=1.0, keep_channels=True),
        dict(type='GaussianBlur', magnitude_range=(0.1, 2.0),
             magnitude_std='inf', prob=1.0)])
    assert [s.offset for s in layout.stages] == [0, 1]
    record = layout.draw(16, 16)
    assert record.dtype == np.float32 and record.shape == (layout.size, )
    steps = layout.describe(record)
    assert [k for k, *_ in steps] == ['grayscale', 'gaussian_blur']
    assert 0.1 <= steps[1][1] <= 2.0


def test_plan_length_is_the_longest_view():
    views = [[], [dict(type='RandomGrayscale', prob=1.0,
                       keep_channels=True)]]
    assert plan_length(views) == 1
    assert plan_length(None) == 1
    check_view_augments(views, 'here')
    with pytest.raises(ValueError, match='here: view_augments must be'):
        check_view_augments(dict(type='RandomGrayscale'), 'here')
