"""RandAugment's geometric ops draw their interpolation per image."""
import mmcv
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmpretrain.registry import TRANSFORMS

from ...test_configs import ROOT

IMG = np.random.RandomState(0).randint(0, 256, (40, 48, 3), np.uint8)
# Each op with a fixed magnitude, and what mmcv gives for one interpolation.
OPS = {
    'RandomInterpolationRotate': (dict(angle=17.0), lambda i: mmcv.imrotate(
        IMG, 17.0, border_value=(1, 2, 3), interpolation=i)),
    'RandomInterpolationShear': (dict(magnitude=0.3), lambda i: mmcv.imshear(
        IMG, 0.3, border_value=(1, 2, 3), interpolation=i)),
    'RandomInterpolationTranslate':
    (dict(magnitude=0.2), lambda i: mmcv.imtranslate(
        IMG, 0.2 * 48, border_value=(1, 2, 3), interpolation=i)),
}


def build(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return TRANSFORMS.build(cfg)


@pytest.mark.parametrize('op', sorted(OPS))
def test_draws_each_interpolation_per_image(op):
    fixed, expected = OPS[op]
    transform = build(
        dict(type=op, prob=1.0, random_negative_prob=0.0, pad_val=(1, 2, 3),
             interpolation=('bilinear', 'bicubic'), **fixed))
    outputs = {i: expected(i) for i in ('bilinear', 'bicubic')}
    assert not np.array_equal(outputs['bilinear'], outputs['bicubic'])
    np.random.seed(0)
    drawn = []
    for _ in range(200):
        out = transform(dict(img=IMG.copy()))['img']
        match = [i for i, ref in outputs.items() if np.array_equal(out, ref)]
        assert len(match) == 1
        drawn.append(match[0])
    assert 70 < drawn.count('bicubic') < 130  # uniform over the two


@pytest.mark.parametrize('op', sorted(OPS))
def test_one_interpolation_is_the_mmpretrain_op(op):
    fixed, expected = OPS[op]
    transform = build(
        dict(type=op, prob=1.0, random_negative_prob=0.0, pad_val=(1, 2, 3),
             interpolation='bilinear', **fixed))
    out = transform(dict(img=IMG.copy()))['img']
    np.testing.assert_array_equal(out, expected('bilinear'))


@pytest.mark.parametrize('bad', ['cubic', (), ('bilinear', 'linear')])
def test_bad_interpolation_names_the_value(bad):
    with pytest.raises(ValueError, match='interpolation must be one of'):
        build(dict(type='RandomInterpolationShear', magnitude=0.1,
                   interpolation=bad))


def test_imagenet_randaugment_resamples_bilinear_or_bicubic():
    """The authors' timm RandAugment default: random bilinear / bicubic
    for rotate, shear and translate; fill as the config's."""
    cfg = Config.fromfile(
        f'{ROOT}/configs/bcl/resnext50_imagenet_lt.py').rand_augment
    geometric = [t for t in build(cfg) if hasattr(t, 'interpolations')]
    assert sorted(type(t).__name__ for t in geometric) == [
        'RandomInterpolationRotate', 'RandomInterpolationShear',
        'RandomInterpolationShear', 'RandomInterpolationTranslate',
        'RandomInterpolationTranslate'
    ]
    for t in geometric:
        assert t.interpolations == ('bilinear', 'bicubic')
        assert tuple(t.pad_val) == (104, 116, 124)
