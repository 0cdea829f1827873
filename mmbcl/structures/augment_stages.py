"""The stages of an augmentation plan: one per transform of a view.

Each stage draws its part of an image's record on the CPU (``draw``), says
what a record does (``describe``), and gives the record of an image it
leaves alone (``off``); see :mod:`mmbcl.structures.augment_plan`.
"""
import math
from typing import List

import numpy as np

from .augment_ops import (AFFINE_OPS, BLEND_OPS, INTERPOLATIONS, LUT_OPS,
                          ROW_INVERT, ROW_POSTERIZE, ROW_SOLARIZE,
                          ROW_SOLARIZE_ADD, affine_theta, fixed_or_drawn,
                          kind_of, pad_value)


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
        return np.array([1, fixed_or_drawn(self.transform, 'radius')],
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
        pads = {pad_value(op) for op in affine}
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
            factor = 1 + op.random_negative(fixed_or_drawn(op, 'magnitude'))
            cell[0] = factor
            cell[1] = float(kind == 'Contrast')
            cell[2] = float(kind == 'ColorTransform')
            cell[3] = float(kind == 'Sharpness')
        elif kind in LUT_OPS:
            cell[4] = 1
            if kind == 'Invert':
                cell[5] = ROW_INVERT
            elif kind == 'Posterize':
                bits = math.ceil(fixed_or_drawn(op, 'bits'))
                cell[5] = ROW_POSTERIZE + min(max(bits, 0), 8)
            elif kind == 'Solarize':
                thr = math.ceil(fixed_or_drawn(op, 'thr'))
                cell[5] = ROW_SOLARIZE + min(max(thr, 0), 256)
            elif kind == 'SolarizeAdd':
                add = math.floor(fixed_or_drawn(op, 'magnitude'))
                cell[5] = ROW_SOLARIZE_ADD + min(max(add, 0), 255)
            else:
                cell[6] = float(kind == 'AutoContrast')
                cell[7] = float(kind == 'Equalize')
        else:
            if kind == 'Rotate':
                value = op.random_negative(fixed_or_drawn(op, 'angle'))
            else:
                value = op.random_negative(fixed_or_drawn(op, 'magnitude'))
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
