"""BCLViews: any single-view train pipeline as BCL's three views."""
import copy
from typing import List, Optional

from mmcv.transforms import BaseTransform, Compose
from mmengine.registry import DefaultScope

from mmpretrain.registry import TRANSFORMS

#: Below this crop size the contrastive crops keep at least a fifth of the
#: image, as mmbcl's CIFAR recipes do; ImageNet-size crops keep 8 %.
SMALL_IMAGE = 64


def sim_view(size: int) -> List[dict]:
    """The "sim" contrastive view (SimCLR / MoCo v2 augmentations, as the
    authors' ``sim`` views) at the classification view's resolution: crop,
    flip, colour jitter (hue included) with probability 0.8, grayscale with
    probability 0.2. Crops of small images (under ``SMALL_IMAGE`` px) keep
    20-100 % of the image (the CIFAR recipes' range), larger ones 8-100 %
    (the ImageNet-LT recipes'); no blur at any size (the ImageNet-LT
    recipes add it: pass ``contrastive_view`` for that)."""
    scale = (0.2, 1.0) if size < SMALL_IMAGE else (0.08, 1.0)
    return [
        dict(type='RandomResizedCrop', scale=size, crop_ratio_range=scale),
        dict(type='RandomFlip', prob=0.5, direction='horizontal'),
        dict(type='RandomApply', prob=0.8, transforms=[
            dict(type='ColorJitter', brightness=0.4, contrast=0.4,
                 saturation=0.4, hue=0.1)
        ]),
        dict(type='RandomGrayscale', prob=0.2, keep_channels=True),
    ]


def crop_size(transforms: List[dict]) -> Optional[int]:
    """The output size of the pipeline's crop, if it has one."""
    for t in transforms:
        size = (t.get('scale') if t['type'] == 'RandomResizedCrop' else
                t.get('crop_size') if t['type'] in ('RandomCrop',
                                                    'CenterCrop') else None)
        if isinstance(size, (tuple, list)):
            size = size[0]
        if size is not None:
            return int(size)
    return None


@TRANSFORMS.register_module()
class BCLViews(BaseTransform):
    """Turn a stock MMPretrain train pipeline into BCL's three views.

    ``pipeline`` is a train pipeline as MMPretrain configs write it:
    loading transforms (``Load*``) first, the augmentations, then
    ``PackInputs``. The augmentations become the classification view; two
    contrastive views (by default the "sim" views at the same crop size)
    are added, as ``MultiView(num_views=[1, 2])`` does, and the result is
    packed. So a config that inherits any MMPretrain recipe gets BCL's
    views in one line, without retyping its pipeline::

        train_dataloader = dict(dataset=dict(pipeline=[
            dict(type='BCLViews', pipeline={{_base_.train_pipeline}})]))

    Args:
        pipeline (list[dict]): The single-view train pipeline.
        contrastive_view (list[dict], optional): The contrastive views'
            transforms. Defaults to :func:`sim_view` at the pipeline's crop
            size.

    Example:
        >>> views = TRANSFORMS.build(dict(type='BCLViews', pipeline=[
        ...     dict(type='RandomResizedCrop', scale=16),
        ...     dict(type='PackInputs')]))
        >>> import numpy as np
        >>> out = views(dict(img=np.zeros((20, 24, 3), np.uint8),
        ...                  gt_label=1))
        >>> [tuple(v.shape) for v in out['inputs']]
        [(3, 16, 16), (3, 16, 16), (3, 16, 16)]
    """

    def __init__(self,
                 pipeline: List[dict],
                 contrastive_view: Optional[List[dict]] = None):
        types = [t.get('type') for t in pipeline]
        if not types or types[-1] != 'PackInputs' or types.count(
                'PackInputs') != 1:
            raise ValueError('BCLViews: pipeline must end with its only '
                             f"PackInputs, got transforms {types}")
        if 'MultiView' in types:
            raise ValueError('BCLViews: pipeline already has a MultiView; '
                             'give it the single-view pipeline')
        loads = 0
        while loads < len(types) and str(types[loads]).startswith('Load'):
            loads += 1
        augment = list(pipeline[loads:-1])
        if contrastive_view is None:
            size = crop_size(augment)
            if size is None:
                raise ValueError(
                    'BCLViews: the pipeline has no RandomResizedCrop / '
                    'RandomCrop / CenterCrop to take the contrastive views\' '
                    f'size from (transforms {types}); pass contrastive_view')
            contrastive_view = sim_view(size)
        # nested transforms (RandomApply, MultiView) build in the default
        # scope: make it mmpretrain's, as a runner does, wherever we are
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            self.load = Compose(copy.deepcopy(pipeline[:loads]))
            self.views = TRANSFORMS.build(
                dict(type='MultiView', num_views=[1, 2],
                     transforms=copy.deepcopy([augment, contrastive_view])))
            self.pack = TRANSFORMS.build(copy.deepcopy(pipeline[-1]))

    def transform(self, results: dict) -> Optional[dict]:
        results = self.load(results)
        if results is None:
            return None
        return self.pack(self.views(results))

    def __repr__(self) -> str:
        return f'{type(self).__name__}(load={self.load}, views={self.views})'
