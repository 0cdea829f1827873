"""Augmentation plans: what the CPU workers draw, as fixed-size records.

The gpu-aug recipes split each view's photometric augmentation in two:

* **the workers draw** (:class:`DrawAugmentPlans`, a pipeline transform):
  for every image, the MMPretrain transform objects of the view draw what
  they would do to it — which ops, in which order, with which magnitudes
  and interpolation, and whether each probability fires — and the result
  is encoded as one small float32 record (:class:`PlanLayout`);
* **the device applies** (:mod:`mmbcl.models.utils.apply_augment_plan`):
  the data preprocessor applies every op kind to the whole batch at once,
  each image with its own parameters read from its record, an image that
  did not draw an op getting that op's identity.

A record is a sequence of stages, one per transform (``RandomApply``'s
children each get their own, switched off together):

* ``jitter`` (``ColorJitter``): 3 blend slots before the hue shift, the hue
  shift, 3 after (its random order realised: each image's brightness,
  contrast and saturation land in slots in the order it drew them);
* ``grayscale`` (``RandomGrayscale``), ``blur`` (``GaussianBlur``);
* ``augment`` (``RandAugment``, ``AutoAugment`` or a single op): one slot
  per op position; a slot says, for the op kind the image drew there, its
  blend factor and target weights, its look-up-table row, or its affine
  warp (the inverse map, already normalised for ``grid_sample``).
"""
import math
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmcv.transforms import BaseTransform
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


def _fixed_or_drawn(transform, name: str) -> float:
    """``transform.<name>`` if the config fixes it, else a drawn magnitude
    (how MMPretrain's ops read ``magnitude``, ``bits``, ``thr``, ``angle``
    and ``radius``)."""
    value = getattr(transform, name)
    return value if value is not None else transform.random_magnitude()


def _pad(op) -> tuple:
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


class Stage:
    """One transform's part of a record; ``size`` floats from ``offset``."""

    size = 0
    offset = 0

    def off(self) -> np.ndarray:
        """The record of an image this stage leaves as it is."""
        return np.zeros(self.size, np.float32)


class JitterStage(Stage):
    """``ColorJitter``: 3 blend slots, the hue shift, 3 blend slots.

    A blend slot is ``(factor, w_contrast, w_saturation)``: the image
    becomes ``factor * x + (1 - factor) * target`` with ``target =
    w_contrast * mean grey + w_saturation * grey`` (0 for brightness); an
    empty slot has factor 1. The hue is ``(on, shift)``.
    """

    SLOT = 3
    size = 2 * 3 * SLOT + 2

    def __init__(self, transform):
        self.transform = transform
        self.has_hue = transform.hue is not None

    def off(self) -> np.ndarray:
        record = np.zeros(self.size, np.float32)
        record[0:9:3] = record[11:20:3] = 1  # factors 1
        return record

    def draw(self, height, width) -> np.ndarray:
        record = self.off()
        order, *factors = self.transform._rand_params()
        slot, base = 0, 0
        for i in order:
            if factors[i] is None:
                continue
            if i == 3:  # hue, between the two groups of slots
                record[9:11] = 1, factors[3]
                slot, base = 0, 11
                continue
            cell = base + 3 * slot
            record[cell] = factors[i]
            record[cell + 1] = float(i == 1)  # contrast
            record[cell + 2] = float(i == 2)  # saturation
            slot += 1
        return record

    def describe(self, record) -> List[tuple]:
        steps = []
        for base in (0, 11):
            for cell in range(base, base + 9, 3):
                f, con, sat = record[cell:cell + 3]
                if f != 1 or con or sat:
                    name = ('contrast' if con else
                            'saturation' if sat else 'brightness')
                    steps.append((name, float(f)))
            if base == 0 and record[9]:
                steps.append(('hue', float(record[10])))
        return steps


class GrayscaleStage(Stage):
    """``RandomGrayscale(keep_channels=True)``: ``(on, )``."""

    size = 1

    def __init__(self, transform):
        self.transform = transform
        # channel_weights are in the image's (BGR) order; ours is RGB
        self.weights = tuple(float(w) for w in transform.channel_weights[::-1])

    def draw(self, height, width) -> np.ndarray:
        on = self.transform._random_prob() < self.transform.prob
        return np.array([float(on)], np.float32)

    def describe(self, record) -> List[tuple]:
        return [('grayscale', self.weights)] if record[0] else []


class BlurStage(Stage):
    """``GaussianBlur``: ``(on, sigma)``; every kernel is as wide as the
    largest radius the transform can draw."""

    size = 2

    def __init__(self, transform):
        self.transform = transform
        self.bound = float(transform.radius if transform.radius is not None
                           else max(transform.magnitude_range))

    def draw(self, height, width) -> np.ndarray:
        if self.transform.random_disable():
            return self.off()
        return np.array([1, _fixed_or_drawn(self.transform, 'radius')],
                        np.float32)

    def describe(self, record) -> List[tuple]:
        return [('gaussian_blur', float(record[1]))] if record[0] else []


class AugmentStage(Stage):
    """``RandAugment``, ``AutoAugment`` or one op: a slot per op position.

    Slot fields: blend ``factor, w_contrast, w_saturation, w_sharpness``;
    look-up table ``is_lut, row, is_auto_contrast, is_equalize`` (the
    static table's ``row`` for the other table ops); affine ``is_affine,
    mode`` (an index into ``modes``) and the normalised inverse ``theta``
    (6).
    """

    SLOT = 16

    def __init__(self, transform):
        self.transform = transform
        name = kind_of(transform)
        if name == 'RandAugment':
            self.ops = list(transform.transforms)
            self.slots = transform.num_policies
        elif name == 'AutoAugment':
            subs = [sub.transforms for sub in transform.transforms]
            self.ops = [op for sub in subs for op in sub]
            self.slots = max(len(sub) for sub in subs)
        else:
            self.ops, self.slots = [transform], 1
        self.size = self.SLOT * self.slots
        kinds = [kind_of(op) for op in self.ops]
        self.kinds = set(kinds)
        affine = [op for op, k in zip(self.ops, kinds) if k in AFFINE_OPS]
        for op, k in zip(self.ops, kinds):
            if k == 'Rotate' and (op.center is not None or op.scale != 1.0):
                raise ValueError('gpu-aug: Rotate supports center=None and '
                                 f'scale=1 only, got {op!r}')
        #: the interpolations its affine ops can draw (a slot names one
        #: by its index here)
        self.modes = sorted({m for op in affine for m in getattr(
            op, 'interpolations', (op.interpolation, ))})
        unknown = set(self.modes) - set(INTERPOLATIONS)
        if unknown:
            raise ValueError(f'gpu-aug: interpolation {sorted(unknown)} has '
                             f'no device version; supported: {INTERPOLATIONS}')
        pads = {_pad(op) for op in affine}
        if len(pads) > 1:
            raise ValueError('gpu-aug: the affine ops of one augmentation '
                             f'must share pad_val, got {sorted(pads)}')
        self.fill = pads.pop() if pads else (128, 128, 128)
        thrs = {float(op.thr) for op, k in zip(self.ops, kinds)
                if k == 'SolarizeAdd'}
        if len(thrs) > 1:
            raise ValueError('gpu-aug: the SolarizeAdd ops of one '
                             f'augmentation must share thr, got {thrs}')
        self.solarize_add_thr = thrs.pop() if thrs else 128.0

    def off(self) -> np.ndarray:
        record = np.zeros(self.size, np.float32)
        record[0::self.SLOT] = 1  # blend factor 1
        return record

    def draw(self, height, width) -> np.ndarray:
        record = self.off()
        name = kind_of(self.transform)
        if name == 'RandAugment':
            ops = [self.transform.transforms[i]
                   for i in self.transform.random_policy_indices()]
        elif name == 'AutoAugment':
            index = self.transform.random_pipeline_index()
            ops = list(self.transform.transforms[index].transforms)
        else:
            ops = [self.transform]
        for slot, op in enumerate(ops):
            cell = record[slot * self.SLOT:(slot + 1) * self.SLOT]
            self._draw_op(op, cell, height, width)
        return record

    def _draw_op(self, op, cell, height, width) -> None:
        """Draw ``op`` for one image as it draws it, into the slot."""
        kind = kind_of(op)
        mode = None
        if kind in AFFINE_OPS:  # RandomInterpolation* ops draw it first
            choices = getattr(op, 'interpolations', (op.interpolation, ))
            mode = (choices[0] if len(choices) == 1 else
                    choices[np.random.randint(len(choices))])
        if op.random_disable():
            return
        if kind in BLEND_OPS:
            factor = 1 + op.random_negative(_fixed_or_drawn(op, 'magnitude'))
            cell[0] = factor
            cell[1] = float(kind == 'Contrast')
            cell[2] = float(kind == 'ColorTransform')
            cell[3] = float(kind == 'Sharpness')
        elif kind in LUT_OPS:
            cell[4] = 1
            if kind == 'Invert':
                cell[5] = ROW_INVERT
            elif kind == 'Posterize':
                bits = math.ceil(_fixed_or_drawn(op, 'bits'))
                cell[5] = ROW_POSTERIZE + min(max(bits, 0), 8)
            elif kind == 'Solarize':
                thr = math.ceil(_fixed_or_drawn(op, 'thr'))
                cell[5] = ROW_SOLARIZE + min(max(thr, 0), 256)
            elif kind == 'SolarizeAdd':
                add = math.floor(_fixed_or_drawn(op, 'magnitude'))
                cell[5] = ROW_SOLARIZE_ADD + min(max(add, 0), 255)
            else:
                cell[6] = float(kind == 'AutoContrast')
                cell[7] = float(kind == 'Equalize')
        else:
            if kind == 'Rotate':
                value = op.random_negative(_fixed_or_drawn(op, 'angle'))
            else:
                value = op.random_negative(_fixed_or_drawn(op, 'magnitude'))
            if kind == 'Translate':
                value *= width if op.direction == 'horizontal' else height
            cell[8], cell[9] = 1, self.modes.index(mode)
            cell[10:16] = affine_theta(kind.lower(), value, height, width,
                                       getattr(op, 'direction', None)).ravel()

    def describe(self, record) -> List[tuple]:
        steps = []
        for slot in range(self.slots):
            cell = record[slot * self.SLOT:(slot + 1) * self.SLOT]
            if cell[1] or cell[2] or cell[3] or cell[0] != 1:
                name = ('contrast' if cell[1] else 'saturation' if cell[2]
                        else 'sharpness' if cell[3] else 'brightness')
                steps.append((name, float(cell[0])))
            elif cell[4]:
                steps.append(_describe_lut(cell))
            elif cell[8]:
                steps.append(('affine', self.modes[int(cell[9])],
                              tuple(float(v) for v in cell[10:16])))
        return steps


def _describe_lut(cell) -> tuple:
    if cell[6]:
        return ('auto_contrast', )
    if cell[7]:
        return ('equalize', )
    row = int(cell[5])
    if row == ROW_INVERT:
        return ('invert', )
    if row < ROW_SOLARIZE:
        return ('posterize', row - ROW_POSTERIZE)
    if row < ROW_SOLARIZE_ADD:
        return ('solarize', row - ROW_SOLARIZE)
    return ('solarize_add', row - ROW_SOLARIZE_ADD)


class RandomApplyStages:
    """``RandomApply``'s children, drawn only when it fires."""

    def __init__(self, transform, children: List[Stage]):
        self.transform = transform
        self.children = children


def compile_stages(transform) -> list:
    """The stages of one transform (``RandomApply`` gives a group)."""
    name = kind_of(transform)
    if name == 'RandomApply':
        children = [s for t in transform.transforms.transforms
                    for s in compile_stages(t)]
        if any(isinstance(c, RandomApplyStages) for c in children):
            raise ValueError('gpu-aug: nested RandomApply is not supported')
        return [RandomApplyStages(transform, children)]
    if name == 'ColorJitter':
        return [JitterStage(transform)]
    if name == 'RandomGrayscale':
        if not transform.keep_channels or transform.color_format != 'bgr':
            raise ValueError('gpu-aug: RandomGrayscale supports '
                             "keep_channels=True on 'bgr' images only")
        return [GrayscaleStage(transform)]
    if name == 'GaussianBlur':
        return [BlurStage(transform)]
    return [AugmentStage(transform)]


class PlanLayout:
    """One view's transforms as stages of a float32 record.

    Args:
        transforms (list[dict]): MMPretrain transform configs, as in a CPU
            view pipeline (see ``SUPPORTED``).

    Example:
        >>> layout = PlanLayout([dict(type='RandomGrayscale', prob=1.0,
        ...                           keep_channels=True)])
        >>> layout.size, layout.describe(layout.draw(8, 8))
        (1, [('grayscale', (1.0, 1.0, 1.0))])
    """

    def __init__(self, transforms: Sequence[dict]):
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            built = [TRANSFORMS.build(t) for t in transforms]
        self.entries = [e for t in built for e in compile_stages(t)]
        offset = 0
        for stage in self.stages:
            stage.offset = offset
            offset += stage.size
        self.size = offset

    @property
    def stages(self) -> List[Stage]:
        """The stages in order, groups flattened."""
        return [s for e in self.entries for s in (
            e.children if isinstance(e, RandomApplyStages) else [e])]

    def draw(self, height: int, width: int) -> np.ndarray:
        """One image's record, drawn (from NumPy's and ``random``'s global
        states, as the transforms draw on the CPU) for an image of this
        size."""
        parts = []
        for entry in self.entries:
            if isinstance(entry, RandomApplyStages):
                fire = entry.transform.random_apply()
                parts += [c.draw(height, width) if fire else c.off()
                          for c in entry.children]
            else:
                parts.append(entry.draw(height, width))
        return (np.concatenate(parts).astype(np.float32) if parts else
                np.zeros(0, np.float32))

    def describe(self, record: np.ndarray) -> List[tuple]:
        """The steps a record applies, in order (for tests and reading)."""
        return [step for stage in self.stages for step in stage.describe(
            np.asarray(record)[stage.offset:stage.offset + stage.size])]


@TRANSFORMS.register_module()
class DrawAugmentPlans(BaseTransform):
    """Draw each view's augmentation plan in the worker (gpu-aug recipes).

    After ``MultiView`` (which leaves one image per view in
    ``results['img']``), draws, for the image of view ``v``, the plan of
    ``view_augments[v]`` — the MMPretrain transform configs the CPU recipe
    runs after its crop and flip, in its order — and stores the views'
    records, padded to one length, as ``results['augment_plans']``, a
    ``(views, length)`` float32 array. ``PackHWCInputs`` packs it;
    ``DeviceAugmentDataPreprocessor`` (with the same ``view_augments``)
    applies it on the device. The draws use the worker's NumPy and
    ``random`` states, as the CPU transforms would.

    Args:
        view_augments (list[list[dict]]): Per view, in the order of the
            ``MultiView`` views, the transform configs (an empty list:
            none).

    Example:
        >>> draw = DrawAugmentPlans([[], [dict(type='RandomGrayscale',
        ...     prob=1.0, keep_channels=True)]])
        >>> img = np.zeros((8, 8, 3), np.uint8)
        >>> draw(dict(img=[img, img]))['augment_plans'].shape
        (2, 1)
    """

    def __init__(self, view_augments: Sequence[Sequence[dict]]):
        check_view_augments(view_augments, 'DrawAugmentPlans')
        self.layouts = [PlanLayout(v) for v in view_augments]
        self.length = max([layout.size for layout in self.layouts] + [1])

    def transform(self, results: dict) -> dict:
        images = results['img']
        if not isinstance(images, list) or len(images) != len(self.layouts):
            got = (f'{len(images)} views' if isinstance(images, list) else
                   'one image')
            raise ValueError(
                f'DrawAugmentPlans: view_augments configures '
                f'{len(self.layouts)} views, the pipeline gives {got}; put '
                'it after MultiView')
        plans = np.zeros((len(images), self.length), np.float32)
        for v, (img, layout) in enumerate(zip(images, self.layouts)):
            plans[v, :layout.size] = layout.draw(*img.shape[:2])
        results['augment_plans'] = plans
        return results

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(views={len(self.layouts)}, '
                f'record={self.length})')


def check_view_augments(view_augments, where: str) -> None:
    """Raise unless ``view_augments`` is a list of lists of configs."""
    if isinstance(view_augments, dict) or not all(
            isinstance(v, (list, tuple)) for v in view_augments):
        raise ValueError(
            f'{where}: view_augments must be a list with one list of '
            f'transform configs per view, got {view_augments!r}')


def plan_length(view_augments: Optional[Sequence]) -> int:
    """The record length :class:`DrawAugmentPlans` gives these views."""
    return max([PlanLayout(v).size for v in view_augments or []] + [1])
