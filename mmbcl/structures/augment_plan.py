"""Augmentation plans: what the CPU workers draw, as fixed-size records.

The gpu-aug recipes split each view's photometric augmentation in two:

* **the workers draw** (``DrawAugmentPlans``, a pipeline transform):
  for every image, the MMPretrain transform objects of the view draw what
  they would do to it — which ops, in which order, with which magnitudes
  and interpolation, and whether each probability fires — and the result
  is encoded as one small float32 record (:class:`PlanLayout`);
* **the device applies** (:mod:`mmbcl.models.utils.batch_augments`):
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

The record is defined here, once; the worker half
(:mod:`mmbcl.datasets.transforms.draw_augment_plans`) fills it and the
device half (:mod:`mmbcl.models.utils.batch_augments`) reads it.
"""
from typing import List, Optional, Sequence

import numpy as np
from mmengine.registry import DefaultScope

from mmpretrain.registry import TRANSFORMS

from .augment_stages import RandomApplyStages, Stage, compile_stages


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
