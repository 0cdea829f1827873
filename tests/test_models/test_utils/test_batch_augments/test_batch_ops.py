"""Each device op, run the way the gpu-aug recipes run it (a plan drawn for
the image, applied to the batch), equals the MMPretrain transform it
replaces, with fixed parameters, within the tolerance stated here (grey
levels of 0..255).

Tolerances: the look-up-table ops (invert, posterize, solarize,
solarize-add, auto-contrast, equalize) and grayscale are exact; blends
(brightness, contrast, colour, sharpness) differ by at most 1.5 (mmcv
rounds between steps); affine warps by at most 1 (bilinear, bicubic;
nearest is exact but for pixels at exact half-pixel ties); hue by a mean
of 0.75 from the pillow backend that ``ColorJitter`` calls (PIL quantises
hue to 256 levels); the Gaussian blur by a mean of 1.0 from PIL's (an
extended-box approximation of the same Gaussian).
"""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmbcl.models.utils.batch_augments import PlanApplier
from mmbcl.models.utils.batch_augments import batch_ops as ops
from mmbcl.models.utils.batch_augments import draw_and_apply
from mmpretrain.registry import TRANSFORMS


def photo(seed, h=48, w=64, block=4):
    """A smooth, photo-like BGR uint8 image (noise upscaled ``block``
    times, plus a little pixel noise)."""
    rng = np.random.RandomState(seed)
    small = rng.randint(0, 256, (h // block, w // block, 3)).astype(np.uint8)
    img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(img.astype(int) + rng.randint(-10, 10, img.shape), 0,
                   255).astype(np.uint8)


IMAGES = [photo(seed) for seed in range(3)]


def to_batch(images):
    """BGR uint8 images to the device layout (RGB float, channels first)."""
    x = np.stack([img[..., ::-1] for img in images])
    return torch.from_numpy(x.copy()).permute(0, 3, 1, 2).float()


def to_images(x):
    return x.permute(0, 2, 3, 1).numpy()[..., ::-1]


def device(cfg, images):
    """``cfg`` applied on the device: its plan drawn for each image (the
    parameters here are fixed), the batch augmented at once."""
    applier = PlanApplier([cfg])
    records = np.stack([applier.layout.draw(*img.shape[:2])
                        for img in images])
    return to_images(applier(to_batch(images), torch.from_numpy(records)))


def cpu(cfg, img):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        transform = TRANSFORMS.build(cfg)
    return transform(dict(img=img.copy()))['img']


def diff(a, b):
    return np.abs(a.astype(np.float64) - b.astype(np.float64))


SURE = dict(prob=1.0)
FIXED = dict(prob=1.0, random_negative_prob=0.0)
EXACT = [
    dict(type='Invert', **SURE),
    dict(type='Posterize', bits=3, **SURE),
    dict(type='Posterize', bits=7.4, **SURE),  # bits are rounded up
    dict(type='Solarize', thr=100, **SURE),
    dict(type='Solarize', thr=99.5, **SURE),
    dict(type='SolarizeAdd', magnitude=37.3, **SURE),
    dict(type='AutoContrast', **SURE),
    dict(type='Equalize', **SURE),
    dict(type='RandomGrayscale', prob=1.0, keep_channels=True),
]


@pytest.mark.parametrize('cfg', EXACT, ids=lambda c: c['type'])
def test_table_ops_and_grayscale_are_exact(cfg):
    for img, out in zip(IMAGES, device(cfg, IMAGES)):
        np.testing.assert_array_equal(out, cpu(cfg, img))


@pytest.mark.parametrize('weights', [(1, 1, 1), (0.114, 0.587, 0.299)])
def test_grayscale_equals_mmcv_on_every_colour(weights):
    """A million random BGR colours (a float32 mean truncates differently
    from mmcv's on 6.4 % of all colours)."""
    rng = np.random.RandomState(0)
    colours = rng.randint(0, 256, (1, 2**20, 3), dtype=np.uint8)
    cfg = dict(type='RandomGrayscale', prob=1.0, keep_channels=True,
               channel_weights=weights)
    np.testing.assert_array_equal(device(cfg, [colours])[0],
                                  cpu(cfg, colours))


BLENDS = ['Brightness', 'Contrast', 'ColorTransform', 'Sharpness']


@pytest.mark.parametrize('kind', BLENDS)
@pytest.mark.parametrize('magnitude', [-0.9, -0.4, 0.4, 0.9])
def test_blends_within_1_5(kind, magnitude):
    cfg = dict(type=kind, magnitude=magnitude, **FIXED)
    for img, out in zip(IMAGES, device(cfg, IMAGES)):
        assert diff(out, cpu(cfg, img)).max() <= 1.5


@pytest.mark.parametrize('shift', [-0.1, -0.03, 0.05, 0.1, 0.37])
def test_hue_within_stated_tolerance(shift):
    """Against the pillow backend, which MMPretrain's ``ColorJitter``
    calls."""
    cfg = dict(type='ColorJitter', hue=(shift, shift))
    for img, out in zip(IMAGES, device(cfg, IMAGES)):
        d = diff(out, cpu(cfg, img))
        assert d.mean() <= 0.75 and d.max() <= 12


def test_hue_zero_is_identity_and_shifts_are_quantised_as_mmcv():
    """mmcv shifts the hue by int(shift * 255) of 256 levels: 0.1 and
    25.9 / 255 are the same shift."""
    x = to_batch(IMAGES[:1])
    same = ops.hue(x, torch.tensor([0.0]))
    assert (same - x).abs().max() < 1e-3
    torch.testing.assert_close(ops.hue(x, torch.tensor([0.1])),
                               ops.hue(x, torch.tensor([25.9 / 255])))


@pytest.mark.parametrize('sigma', [0.1, 0.5, 1.0, 2.0])
def test_gaussian_blur_close_to_pil(sigma):
    cfg = dict(type='GaussianBlur', radius=sigma, prob=1.0)
    for img, out in zip(IMAGES, device(cfg, IMAGES)):
        d = diff(out, cpu(cfg, img))
        assert d.mean() <= 1.0 and d.max() <= 10


FILL = (104, 116, 124)  # BGR


def warps(mode):
    common = dict(pad_val=FILL, interpolation=mode, **FIXED)
    return [
        dict(type='Rotate', angle=17.0, **common),
        dict(type='Rotate', angle=-29.0, **common),
        dict(type='Shear', magnitude=0.3, direction='horizontal', **common),
        dict(type='Shear', magnitude=-0.2, direction='vertical', **common),
        dict(type='Translate', magnitude=13.4 / 64, direction='horizontal',
             **common),
        dict(type='Translate', magnitude=-7.0 / 48, direction='vertical',
             **common),
    ]


def half_pixel_ties(cfg, shape):
    """Where the inverse map of ``cfg`` lands within 1/32 pixel of a
    half-pixel position (OpenCV's coordinate step), in either axis, or
    within a pixel of the image's border: where nearest-neighbour libraries
    may rightly round to different pixels. Found by warping float
    coordinate ramps with mmcv's own op (bilinear interpolation of a ramp
    is the coordinate)."""
    h, w = shape[:2]
    ramps = np.zeros((h, w, 3), np.float32)
    ramps[..., 0], ramps[..., 1] = np.meshgrid(np.arange(w), np.arange(h))
    low, high = (cpu(dict(cfg, interpolation='bilinear', pad_val=(v, ) * 3),
                     ramps)[..., :2] for v in (-1000.0, 1000.0))
    border = ((low != high) & (np.abs(low) < 1000) &
              (np.abs(high) < 1000)).any(-1)
    return border | (np.abs(low % 1 - 0.5) <= 1 / 32).any(-1)


@pytest.mark.parametrize('mode', ['bilinear', 'bicubic', 'nearest'])
def test_affine_warps_equal_mmcv(mode):
    """Bilinear and bicubic within one grey level everywhere; nearest
    exact away from half-pixel ties (a tie's rounding is the library's
    choice: OpenCV's changed between releases), where fewer than a fifth of
    the pixels lie."""
    for cfg in warps(mode):
        ties = half_pixel_ties(cfg, IMAGES[0].shape)
        for img, out in zip(IMAGES, device(cfg, IMAGES)):
            d = diff(out, cpu(cfg, img))
            if mode == 'nearest':
                assert ties.mean() < 1 / 5, (cfg, ties.mean())
                assert d[~ties].max() <= 1.0, cfg
            else:
                assert d.max() <= 1.0, cfg


@pytest.mark.parametrize('name', [
    'resnext50_imagenet_lt_gpu-aug', 'resnet32_cifar100_lt_r100_gpu-aug'
])
def test_bgr_batches_give_the_rgb_result(name):
    """Recipes with ``to_rgb=False`` apply the plans to the channels as
    stored (``bgr=True``): the same views as in RGB, channels reversed
    (the luma sum may round one grey level apart on a rare pixel)."""
    root = osp.dirname(osp.dirname(osp.dirname(osp.dirname(osp.dirname(
        osp.abspath(__file__))))))
    cfg = Config.fromfile(osp.join(root, 'configs', 'bcl', f'{name}.py'))
    x = to_batch([photo(seed, 32, 32) for seed in range(12)])
    for view in cfg.data_preprocessor.view_augments:
        seeds = range(100, 100 + len(x))
        rgb = draw_and_apply(view, x, seeds)
        bgr = draw_and_apply(view, x.flip(1), seeds, bgr=True).flip(1)
        gap = (rgb - bgr).abs()
        assert gap.mean() < 0.01 and gap.max() <= 1.0, (gap.mean(), gap.max())
