"""Apply augmentation plans on the device: the whole batch, per-image.

The workers drew each image's plan (:mod:`mmbcl.structures.augment_plan`);
here every stage runs once on the whole batch, each image reading its own
parameters from its record. An image that did not draw an op gets the op's
identity: a blend factor of 1, or the unchanged pixels chosen with
``torch.where``. Nothing is gathered into per-op subsets, nothing is read
back to the host, and the constants (look-up table, luma weights, fills)
are built once per device.

A slot of ``RandAugment`` / ``AutoAugment`` runs, in turn, the blend ops
(brightness, contrast, saturation, sharpness as one blend toward a
per-image target), the look-up-table ops (one table per image and channel,
one gather) and the affine ops (one warp); each image's op is one of them,
so the per-image result is exactly its own op sequence.
"""
from typing import Dict, Sequence

import numpy as np
import torch
from torch import Tensor

from ....structures.augment_ops import static_lut_table
from ....structures.augment_plan import PlanLayout
from ....structures.augment_stages import (AugmentStage, BlurStage,
                                           GrayscaleStage, JitterStage)
from ..precision import no_autocast
from . import batch_ops as ops


class PlanApplier:
    """One view's plans, applied to a batch.

    Args:
        transforms (list[dict]): The view's MMPretrain transform configs
            (the ``DrawAugmentPlans`` entry of the view).

    Example:
        >>> applier = PlanApplier([dict(type='RandomGrayscale', prob=1.0,
        ...                             keep_channels=True)])
        >>> x = torch.rand(2, 3, 4, 4) * 255
        >>> out = applier(x, torch.ones(2, 1))
        >>> bool((out[:, 0] == out[:, 1]).all())
        True
    """

    def __init__(self, transforms: Sequence[dict]):
        self.layout = PlanLayout(transforms)
        self._cache: Dict = {}

    def __call__(self, x: Tensor, records: Tensor,
                 bgr: bool = False) -> Tensor:
        """An augmented copy of ``x`` (``(N, 3, H, W)`` in [0, 255], RGB, or
        BGR if ``bgr``)."""
        return self.apply_(x.float().clone(), records, bgr)

    @torch.no_grad()
    def apply_(self, x: Tensor, records: Tensor, bgr: bool = False) -> Tensor:
        """Augment the float batch ``x`` in place by ``records`` (``(N, R)``,
        on ``x``'s device, at least ``layout.size`` columns), in fp32 even
        inside an AMP context; returns ``x``. Its channels are RGB, or BGR
        if ``bgr`` (the colour ops read them accordingly, so that no copy
        reorders them)."""
        if not self.layout.size:
            return x
        self._bgr = bgr
        with no_autocast(x.device.type):
            records = records[:, :self.layout.size].to(torch.float32)
            # every column at once, as (N, ), as (N, 1, 1, 1) and as a
            # (N, 1, 1, 1) switch (fields that are 0 or 1)
            shape = (*records.shape, 1, 1, 1)
            self._on = (records > 0.5).view(shape).unbind(1)
            flat = records.unbind(1)
            per_image = records.view(shape).unbind(1)
            for stage in self.layout.stages:
                x = self._apply_stage(stage, x, records, flat, per_image)
        return x

    def _per_channel(self, key, make_rgb, device) -> Tensor:
        """The ``(1, 3, 1, 1)`` constant ``make_rgb()`` (RGB order) in the
        batch's channel order, on ``device`` (built once per device)."""
        bgr = self._bgr
        return ops.cached_to(
            self._cache, (key, bgr),
            lambda: make_rgb().flip(1) if bgr else make_rgb(), device)

    # -- per stage -----------------------------------------------------

    def _apply_stage(self, stage, x, records, flat, per_image):
        at = stage.offset
        if isinstance(stage, JitterStage):
            return self._jitter(stage, x, flat, per_image)
        if isinstance(stage, GrayscaleStage):
            return torch.where(self._on[at],
                               ops.grayscale(x, stage.weights, self._bgr), x)
        if isinstance(stage, BlurStage):
            return torch.where(self._on[at],
                               ops.gaussian_blur(x, flat[at + 1],
                                                 stage.bound), x)
        assert isinstance(stage, AugmentStage)
        for slot in range(stage.slots):
            x = self._augment_slot(stage, x, records, flat, per_image,
                                   at + slot * stage.SLOT)
        return x

    def _blend_slot(self, x, factor, w_contrast, w_saturation, sharp=None):
        """One blend op per image: ``factor * x + (1 - factor) * target``
        (``lerp``, exact at factor 1) with ``target = w_contrast * mean
        grey + w_saturation * grey [+ sharp * smoothed]``."""
        weights = self._per_channel(
            'luma', lambda: torch.tensor(ops.LUMA).view(1, 3, 1, 1),
            x.device)
        gray = (x * weights).sum(1, keepdim=True).round_()
        mean = gray.mean((2, 3), keepdim=True).round()
        target = torch.addcmul(w_saturation * gray, w_contrast, mean)
        if sharp is not None:
            target = torch.addcmul(target, sharp, ops.smooth(x))
        return torch.lerp(target, x, factor).clamp_(0, 255)

    def _jitter(self, stage, x, flat, per_image):
        at = stage.offset
        # without a hue shift every op lands in the first 3 slots
        groups = [(0, 3, 6), (11, 14, 17)] if stage.has_hue else [(0, 3, 6)]
        for group, cells in enumerate(groups):
            for cell in cells:
                x = self._blend_slot(x, *per_image[at + cell:at + cell + 3])
            if group == 0 and stage.has_hue:
                offsets = self._per_channel('hue', lambda: ops.HUE_OFFSETS,
                                            x.device)
                x = torch.where(self._on[at + 9],
                                ops.hue(x, flat[at + 10], offsets,
                                        self._bgr), x)
        return x

    def _augment_slot(self, stage, x, records, flat, per_image, at):
        kinds = stage.kinds
        # blend: brightness, contrast, saturation, sharpness
        if kinds & {'Brightness', 'Contrast', 'ColorTransform', 'Sharpness'}:
            sharp = per_image[at + 3] if 'Sharpness' in kinds else None
            x = self._blend_slot(x, *per_image[at:at + 3], sharp)
        # look-up tables: one per image and channel, one gather
        if kinds & {'Invert', 'Posterize', 'Solarize', 'SolarizeAdd',
                    'AutoContrast', 'Equalize'}:
            x = self._lut_slot(stage, x, flat, per_image, at)
        # affine: rotate, shear, translate as one warp per interpolation
        if kinds & {'Rotate', 'Shear', 'Translate'}:
            x = self._affine_slot(stage, x, records, flat, per_image, at)
        return x

    def _lut_slot(self, stage, x, flat, per_image, at):
        n = x.shape[0]
        # every op leaves x in [0, 255], so truncating is flooring
        levels = x.long().flatten(2)  # (N, 3, HW)
        table = ops.cached_to(
            self._cache, ('lut', stage.solarize_add_thr),
            lambda: torch.from_numpy(static_lut_table(
                stage.solarize_add_thr)), x.device)
        lut = table.index_select(0, flat[at + 5].long())  # (N, 256)
        lut = lut.unsqueeze(1).expand(n, 3, 256)
        if stage.kinds & {'AutoContrast', 'Equalize'}:
            span = ops.cached_to(self._cache, 'levels',
                                 lambda: torch.arange(256.0), x.device)
            rows = levels.flatten(0, 1)  # (N * 3, HW)
            low, high = rows.aminmax(dim=1, keepdim=True)
            if 'AutoContrast' in stage.kinds:
                lut = torch.where(
                    self._on[at + 6].view(n, 1, 1),
                    ops.auto_contrast_lut(low.float(), high.float(),
                                          span).view(n, 3, 256), lut)
            if 'Equalize' in stage.kinds:
                lut = torch.where(
                    self._on[at + 7].view(n, 1, 1),
                    ops.equalize_lut(ops.histograms(rows), high, span,
                                     rows.shape[1]).view(n, 3, 256), lut)
        out = lut.gather(2, levels).view_as(x)
        return torch.where(self._on[at + 4], out, x)

    def _affine_slot(self, stage, x, records, flat, per_image, at):
        # pad_val is given as mmcv reads the image: BGR
        fill = self._per_channel(
            ('fill', stage.fill), lambda: torch.tensor(
                stage.fill[::-1], dtype=torch.float32).view(1, 3, 1, 1),
            x.device)
        theta = records[:, at + 10:at + 16].view(-1, 2, 3)
        modes = stage.modes or ['bilinear']
        grid = ops.affine_grid(theta, x)
        out = ops.warp(x, grid, fill, modes[0])
        for index, mode in enumerate(modes[1:], 1):  # drawn per image
            chosen = (self._on[at + 9] if len(modes) == 2 else
                      per_image[at + 9] == index)
            out = torch.where(chosen, ops.warp(x, grid, fill, mode), out)
        return torch.where(self._on[at + 8], out, x)


def draw_and_apply(transforms: Sequence[dict], x: Tensor,
                   seeds: Sequence[int], bgr: bool = False) -> Tensor:
    """Draw each image's plan with NumPy and ``random`` seeded by its seed
    (as a worker would), then apply them: the device views of ``x`` that
    the CPU transforms, seeded alike, give. For tests and benchmarks."""
    import random
    applier = PlanApplier(transforms)
    records = []
    for seed in seeds:
        np.random.seed(seed)
        random.seed(seed)
        records.append(applier.layout.draw(*x.shape[2:]))
    records = torch.from_numpy(np.stack(records)).to(x.device)
    return applier(x, records, bgr)
