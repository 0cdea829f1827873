"""The augmentation ops a plan can hold: their families, the static
look-up table, and the affine warps as ``grid_sample`` maps.

Shared by the worker half (``DrawAugmentPlans``) and the device half
(``PlanApplier``) of the gpu-aug recipes; see
:mod:`mmbcl.structures.augment_plan`.
"""
import math
from typing import Dict, Sequence

import numpy as np
from mmengine.registry import DefaultScope

from mmpretrain.registry import TRANSFORMS

#: RandAugment / AutoAugment ops and the family each belongs to.
BLEND_OPS = {'Brightness': 'brightness', 'Contrast': 'contrast',
             'ColorTransform': 'saturation', 'Sharpness': 'sharpness'}
LUT_OPS = {'Invert': 'invert', 'Posterize': 'posterize',
           'Solarize': 'solarize', 'SolarizeAdd': 'solarize_add',
           'AutoContrast': 'auto_contrast', 'Equalize': 'equalize'}
AFFINE_OPS = ('Rotate', 'Shear', 'Translate')
SUPPORTED = ('ColorJitter', 'RandomApply', 'RandomGrayscale', 'GaussianBlur',
             'RandAugment', 'AutoAugment', *AFFINE_OPS, *BLEND_OPS, *LUT_OPS)
INTERPOLATIONS = ('bilinear', 'bicubic', 'nearest')

#: Rows of the static look-up table (levels 0..255 -> 0..255):
#: identity, invert, posterize by bits 0..8, solarize by integer threshold
#: 0..256, solarize-add of 0..255 (below the stage's threshold).
ROW_IDENTITY, ROW_INVERT, ROW_POSTERIZE, ROW_SOLARIZE = 0, 1, 2, 11
ROW_SOLARIZE_ADD = ROW_SOLARIZE + 257
NUM_ROWS = ROW_SOLARIZE_ADD + 256


def static_lut_table(solarize_add_thr: float = 128) -> np.ndarray:
    """The ``(NUM_ROWS, 256)`` table of the look-up-table ops whose table
    depends only on a small integer parameter (what mmcv computes on
    uint8 images)."""
    levels = np.arange(256, dtype=np.float64)
    rows = [levels, 255 - levels]
    rows += [np.floor(levels / 2.0**(8 - b)) * 2.0**(8 - b)
             for b in range(9)]
    rows += [np.where(levels < t, levels, 255 - levels) for t in range(257)]
    rows += [np.where(levels < solarize_add_thr,
                      np.minimum(levels + a, 255), levels)
             for a in range(256)]
    return np.stack(rows).astype(np.float32)


#: transform type -> its kind; the registry is looked up once per type
#: (a lookup under a scope costs ~1 ms, more than drawing a whole plan)
_KINDS: Dict[type, str] = {}


def kind_of(transform) -> str:
    """The MMPretrain transform a transform is (mmbcl's random-interpolation
    ops are their parents)."""
    kind = _KINDS.get(type(transform))
    if kind is None:
        kind = _KINDS[type(transform)] = _look_up_kind(transform)
    return kind


def _look_up_kind(transform) -> str:
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        for name in SUPPORTED:
            if type(transform) is TRANSFORMS.get(name):
                return name
        for name in AFFINE_OPS:
            if isinstance(transform, TRANSFORMS.get(name)):
                return name
    raise ValueError(
        f'gpu-aug: {type(transform).__name__} has no device version; '
        f'supported: {", ".join(SUPPORTED)}')


def fixed_or_drawn(transform, name: str) -> float:
    """``transform.<name>`` if the config fixes it, else a drawn magnitude
    (how MMPretrain's ops read ``magnitude``, ``bits``, ``thr``, ``angle``
    and ``radius``)."""
    value = getattr(transform, name)
    return value if value is not None else transform.random_magnitude()


def pad_value(op) -> tuple:
    """An op's ``pad_val`` as one value per channel."""
    pad = op.pad_val
    return tuple(pad) if isinstance(pad, Sequence) else (pad, ) * 3


def affine_theta(kind: str, value: float, height: int, width: int,
                 direction: str = 'horizontal') -> np.ndarray:
    """``grid_sample``'s ``(2, 3)`` theta (``align_corners=True``) of
    mmcv's ``imrotate`` (``value`` degrees clockwise about the centre),
    ``imshear`` (``value``) or ``imtranslate`` (``value`` pixels)."""
    cx, cy = (width - 1) * 0.5, (height - 1) * 0.5
    if kind == 'rotate':
        rad = math.radians(-value)
        cos, sin = math.cos(rad), math.sin(rad)
        forward = [[cos, sin, (1 - cos) * cx - sin * cy],
                   [-sin, cos, sin * cx + (1 - cos) * cy]]
    elif kind == 'shear':
        forward = ([[1, value, 0], [0, 1, 0]] if direction == 'horizontal'
                   else [[1, 0, 0], [value, 1, 0]])
    else:
        forward = ([[1, 0, value], [0, 1, 0]] if direction == 'horizontal'
                   else [[1, 0, 0], [0, 1, value]])
    (a, b, c), (d, e, f) = forward
    det = a * e - b * d
    inverse = np.array([[e, -b, b * f - c * e],
                        [-d, a, c * d - a * f]]) / det
    # grid_sample reads u = 2 px / (size - 1) - 1
    half = np.array([max(width - 1, 1) / 2, max(height - 1, 1) / 2])
    scaled = inverse[:, :2] * half[None, :]
    linear = scaled / half[:, None]
    shift = (scaled.sum(1) + inverse[:, 2]) / half - 1
    return np.concatenate([linear, shift[:, None]], 1)
