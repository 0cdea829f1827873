"""Each batched device op equals the mmcv op it replaces, with fixed
parameters, within the tolerance stated here (grey levels of 0..255).

Tolerances: LUT and integer ops (grayscale, invert, posterize, solarize,
solarize-add, auto-contrast, equalize) are exact; blends (brightness,
contrast, colour, sharpness) differ by at most 1.5 (mmcv rounds between
steps); affine warps by at most 1 (bilinear, bicubic; nearest is exact but
for pixels at exact half-pixel ties); hue by a mean of 0.75 from the pillow
backend that ``ColorJitter`` calls (PIL quantises hue to 256 levels); the
Gaussian blur by a mean of 1.0 from PIL's (an extended-box approximation of
the same Gaussian).
"""
import cv2
import mmcv
import numpy as np
import pytest
import torch
from PIL import Image, ImageFilter

from mmbcl.models.utils import batch_ops as ops
from mmbcl.utils.mmcv_compat import adjust_hue


def photo(seed, h=48, w=64, block=4):
    """A smooth, photo-like BGR uint8 image (noise upscaled ``block``
    times, plus a little pixel noise)."""
    rng = np.random.RandomState(seed)
    small = rng.randint(0, 256, (h // block, w // block, 3)).astype(np.uint8)
    img = cv2.resize(small, (w, h), interpolation=cv2.INTER_CUBIC)
    return np.clip(img.astype(int) + rng.randint(-10, 10, img.shape), 0,
                   255).astype(np.uint8)


IMAGES = [photo(seed) for seed in range(3)]


def run(op, img, *args, **kwargs):
    """``op`` on one BGR image, through the RGB float device layout."""
    x = torch.from_numpy(img[..., ::-1].copy()).permute(2, 0, 1)[None]
    out = op(x.float(), *args, **kwargs)
    return out[0].permute(1, 2, 0).numpy()[..., ::-1]


def diff(a, b):
    return np.abs(a.astype(np.float64) - b.astype(np.float64))


def p(value):
    return torch.tensor([value])


def mmcv_grayscale(img, weights=(1, 1, 1)):
    """MMPretrain's configs' ``RandomGrayscale`` (mmcv's), always applied."""
    from mmcv.transforms import RandomGrayscale
    transform = RandomGrayscale(prob=1.0, keep_channels=True,
                                channel_weights=weights)
    return transform(dict(img=img))['img']


EXACT = [
    ('grayscale', mmcv_grayscale, lambda x: ops.grayscale(x)),
    ('invert', mmcv.iminvert, lambda x: ops.invert(x)),
    ('posterize', lambda img: mmcv.posterize(img, 3),
     lambda x: ops.posterize(x, p(3))),
    ('solarize', lambda img: mmcv.solarize(img, 100),
     lambda x: ops.solarize(x, p(100))),
    ('solarize_add', lambda img: np.where(img < 128, np.minimum(
        img + 37.3, 255), img).astype(np.uint8),
     lambda x: ops.solarize_add(x, p(37.3))),
    ('auto_contrast', mmcv.auto_contrast, lambda x: ops.auto_contrast(x)),
    ('equalize', mmcv.imequalize, lambda x: ops.equalize(x)),
]


@pytest.mark.parametrize('name, cpu, device', EXACT, ids=[e[0] for e in EXACT])
@pytest.mark.parametrize('img', IMAGES)
def test_integer_ops_are_exact(name, cpu, device, img):
    np.testing.assert_array_equal(run(device, img), cpu(img))


BLENDS = [
    ('brightness', mmcv.adjust_brightness, ops.brightness),
    ('contrast', mmcv.adjust_contrast, ops.contrast),
    ('saturation', mmcv.adjust_color, ops.saturation),
    ('sharpness', mmcv.adjust_sharpness, ops.sharpness),
]


@pytest.mark.parametrize('name, cpu, device', BLENDS,
                         ids=[b[0] for b in BLENDS])
@pytest.mark.parametrize('factor', [0.1, 0.6, 1.4, 1.9])
def test_blends_within_1_5(name, cpu, device, factor):
    for img in IMAGES:
        assert diff(run(device, img, p(factor)), cpu(img, factor)).max() <= 1.5


@pytest.mark.parametrize('weights', [(1, 1, 1), (0.114, 0.587, 0.299)])
def test_grayscale_equals_mmcv_on_every_colour(weights):
    """A million random BGR colours (a float32 mean truncates differently
    from mmcv's on 6.4 % of all colours)."""
    rng = np.random.RandomState(0)
    colours = rng.randint(0, 256, (1, 2**20, 3), dtype=np.uint8)
    rgb_weights = weights[::-1]  # the device op reads RGB
    np.testing.assert_array_equal(
        run(lambda x: ops.grayscale(x, rgb_weights), colours),
        mmcv_grayscale(colours, weights))


@pytest.mark.parametrize('shift', [-0.1, -0.03, 0.05, 0.1, 0.37])
def test_hue_within_stated_tolerance(shift):
    """Against the pillow backend, which MMPretrain's ``ColorJitter``
    calls."""
    for img in IMAGES:
        d = diff(run(ops.hue, img, p(shift)),
                 adjust_hue(img, shift, backend='pillow'))
        assert d.mean() <= 0.75 and d.max() <= 12


def test_hue_zero_is_identity_and_shifts_are_quantised_as_mmcv():
    """mmcv shifts the hue by int(shift * 255) of 256 levels: 0.1 and
    25.9 / 255 are the same shift, -0.1 is not 0.9 - 1."""
    img = IMAGES[0]
    assert diff(run(ops.hue, img, p(0.0)), img).max() < 1e-3
    assert diff(run(ops.hue, img, p(0.1)),
                run(ops.hue, img, p(25.9 / 255))).max() < 1e-3


@pytest.mark.parametrize('sigma', [0.1, 0.5, 1.0, 2.0])
def test_gaussian_blur_close_to_pil(sigma):
    for img in IMAGES:
        pil = Image.fromarray(img[..., ::-1]).filter(
            ImageFilter.GaussianBlur(radius=sigma))
        reference = np.array(pil)[..., ::-1]
        d = diff(run(ops.gaussian_blur, img, p(sigma), 2.0), reference)
        assert d.mean() <= 1.0 and d.max() <= 10


FILL = (104, 116, 124)  # BGR


def warps(mode):
    rot = lambda x, a: ops.affine(  # noqa: E731
        x, ops.rotate_matrix(p(a), 48, 64), FILL[::-1], mode)
    shear = lambda x, m, d: ops.affine(  # noqa: E731
        x, ops.shear_matrix(p(m), d == 'horizontal'), FILL[::-1], mode)
    move = lambda x, o, d: ops.affine(  # noqa: E731
        x, ops.translate_matrix(p(o), d == 'horizontal'), FILL[::-1], mode)
    kw = dict(border_value=FILL, interpolation=mode)
    return [
        (lambda img: mmcv.imrotate(img, 17, **kw), lambda x: rot(x, 17.)),
        (lambda img: mmcv.imrotate(img, -29, **kw), lambda x: rot(x, -29.)),
        (lambda img: mmcv.imshear(img, 0.3, 'horizontal', **kw),
         lambda x: shear(x, 0.3, 'horizontal')),
        (lambda img: mmcv.imshear(img, -0.2, 'vertical', **kw),
         lambda x: shear(x, -0.2, 'vertical')),
        (lambda img: mmcv.imtranslate(img, 13.4, 'horizontal', **kw),
         lambda x: move(x, 13.4, 'horizontal')),
        (lambda img: mmcv.imtranslate(img, -7.0, 'vertical', **kw),
         lambda x: move(x, -7.0, 'vertical')),
    ]


@pytest.mark.parametrize('mode', ['bilinear', 'bicubic', 'nearest'])
def test_affine_warps_equal_mmcv(mode):
    for cpu, device in warps(mode):
        for img in IMAGES:
            d = diff(run(device, img), cpu(img))
            if mode == 'nearest':  # ties at exact half pixels may differ
                assert d.mean() <= 1.0
            else:
                assert d.max() <= 1.0


def test_parameters_are_per_sample():
    """One call, different parameters per image: each row equals the op
    applied to that image alone."""
    x = torch.from_numpy(np.stack([IMAGES[0][..., ::-1]] * 3).copy())
    x = x.permute(0, 3, 1, 2).float()
    factors = torch.tensor([0.5, 1.0, 1.7])
    batched = ops.contrast(x, factors)
    for i, f in enumerate(factors):
        torch.testing.assert_close(batched[i:i + 1],
                                   ops.contrast(x[i:i + 1], f.view(1)))
    assert not torch.equal(batched[0], batched[2])
