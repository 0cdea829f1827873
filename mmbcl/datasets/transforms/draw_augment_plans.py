"""DrawAugmentPlans: the worker half of the gpu-aug recipes.

Fills the records that :mod:`mmbcl.structures.augment_plan` defines.
"""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmpretrain.registry import TRANSFORMS

from ...structures.augment_plan import PlanLayout, check_view_augments


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
