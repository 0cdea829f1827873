"""BalancedPasteDataset: each training item with its ConCutMix paste."""
import copy
from typing import List, Optional, Sequence, Union

import numpy as np
import torch
from mmengine.dataset import Compose

from mmpretrain.registry import DATASETS

from .class_counts import get_class_counts, get_labels

NEEDS_SAMPLER = (
    "BalancedPasteDataset is read with BalancedPasteSampler's keys (index, "
    'paste index, plan); set train_dataloader.sampler='
    "dict(type='BalancedPasteSampler', sampler=<your sampler>)")


def classification_view_pipeline(pipeline: Sequence[dict]) -> List[dict]:
    """The pipeline that makes only the classification view of a BCL train
    pipeline: what comes before its ``MultiView``, the ``MultiView``'s
    first view alone, then what comes after (a ``DrawAugmentPlans`` keeps
    the first view's ``view_augments``).

    Example:
        >>> classification_view_pipeline([
        ...     dict(type='MultiView', num_views=[1, 2],
        ...          transforms=[[dict(type='RandomFlip', prob=0.5)],
        ...                      [dict(type='RandomGrayscale')]]),
        ...     dict(type='PackInputs')])[0]['transforms']
        [[{'type': 'RandomFlip', 'prob': 0.5}]]
    """
    types = [t.get('type') for t in pipeline]
    if 'MultiView' not in types:
        raise ValueError(
            'BalancedPasteDataset: the dataset pipeline has no MultiView '
            f'(its transforms: {types}); pass paste_pipeline, the '
            'classification view from the data info to the Pack')
    at = types.index('MultiView')
    multi_view = pipeline[at]
    num_views = multi_view.get('num_views')
    first = num_views[0] if isinstance(num_views, (list, tuple)) else None
    if first != 1:
        raise ValueError(
            'BalancedPasteDataset: expected BCL\'s MultiView(num_views=[1, '
            f'2], ...), got num_views={num_views!r}; pass paste_pipeline')
    derived = [copy.deepcopy(t) for t in pipeline[:at]]
    derived.append(
        dict(type='MultiView', num_views=[1],
             transforms=[copy.deepcopy(list(multi_view['transforms'][0]))]))
    for transform in pipeline[at + 1:]:
        transform = copy.deepcopy(dict(transform))
        if transform.get('type') == 'DrawAugmentPlans':
            transform['view_augments'] = [transform['view_augments'][0]]
        derived.append(transform)
    return derived


@DATASETS.register_module()
class BalancedPasteDataset:
    """Adds to each training item the one view ConCutMix pastes into it.

    ``dataset`` yields the item as without ConCutMix (its three views, and
    their plans on the gpu-aug recipes). For the key ``(index,
    paste_index, *plan)`` that :class:`~mmbcl.datasets.BalancedPasteSampler`
    yields, this wrapper adds the paste image ``paste_index`` run through
    ``paste_pipeline`` alone, which makes only what is pasted: the
    classification view (ConCutMix's loader makes all three views of the
    paste image and uses one). The item gains

    * ``paste_inputs``: that view (packed as the pipeline packs it);
    * ``paste_labels``: its label, ``(1,)`` int64;
    * ``paste_plans``: the CutMix plan, ``(4,)`` float64 (see
      ``BalancedPasteSampler``);
    * ``paste_augment_plans``: its device-side plan where the pipeline
      draws one (``DrawAugmentPlans``, gpu-aug recipes).

    ``MultiViewDataPreprocessor`` and ``DeviceAugmentDataPreprocessor``
    paste on the device, as MMPretrain's ``CutMix`` batch augment does.
    Like MMEngine's wrappers it exposes ``metainfo``, ``get_cat_ids``,
    ``get_data_info``, ``get_gt_labels`` and lazy initialisation; the
    class counts are its source's.

    Args:
        dataset (dict | Dataset): The training dataset (or its config).
        paste_pipeline (list[dict], optional): The classification view's
            transforms, from the data info to the packed view. Defaults to
            the dataset config's pipeline cut to its classification view
            (:func:`classification_view_pipeline`).
        lazy_init (bool): Defer loading the source. Defaults to False.

    In a config::

        train_dataloader = dict(
            dataset=dict(type='BalancedPasteDataset', dataset=<dataset>),
            sampler=dict(type='BalancedPasteSampler'))
    """

    def __init__(self,
                 dataset: Union[dict, object],
                 paste_pipeline: Optional[Sequence[dict]] = None,
                 lazy_init: bool = False):
        if paste_pipeline is None:
            if not isinstance(dataset, dict) or 'pipeline' not in dataset:
                raise ValueError(
                    'BalancedPasteDataset: pass paste_pipeline (it is '
                    'derived only from a dataset config with a pipeline)')
            paste_pipeline = classification_view_pipeline(
                dataset['pipeline'])
        if not isinstance(paste_pipeline, (list, tuple)) or not paste_pipeline:
            raise ValueError(
                'BalancedPasteDataset: paste_pipeline must be a non-empty '
                "list of transforms ending in a Pack, got "
                f'{paste_pipeline!r}')
        self.dataset = (
            DATASETS.build(dataset) if isinstance(dataset, dict) else dataset)
        self.paste_pipeline = Compose(paste_pipeline)
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self.dataset.metainfo)

    @property
    def pipeline(self):
        """The source's pipeline (the item's own views)."""
        return self.dataset.pipeline

    def full_init(self) -> None:
        if self._fully_initialized:
            return
        if hasattr(self.dataset, 'full_init'):
            self.dataset.full_init()
        self._fully_initialized = True

    @property
    def class_counts(self) -> np.ndarray:
        """The source's images per class."""
        return get_class_counts(self.dataset)

    def get_gt_labels(self) -> np.ndarray:
        return get_labels(self.dataset)

    def get_cat_ids(self, idx: int) -> list:
        if hasattr(self.dataset, 'get_cat_ids'):
            return self.dataset.get_cat_ids(idx)
        return [int(self.get_gt_labels()[idx])]

    def get_data_info(self, idx: int) -> dict:
        return self.dataset.get_data_info(idx)

    def __len__(self) -> int:
        self.full_init()
        return len(self.dataset)

    def __getitem__(self, key) -> dict:
        if not isinstance(key, (tuple, list)) or len(key) != 6:
            raise TypeError(f'{NEEDS_SAMPLER}; got the key {key!r}')
        self.full_init()
        index, paste_index, *plan = key
        item = self.dataset[int(index)]
        paste = self.paste_pipeline(
            self.dataset.get_data_info(int(paste_index)))
        inputs = paste['inputs']
        if isinstance(inputs, (list, tuple)):
            if len(inputs) != 1:
                raise ValueError(
                    'BalancedPasteDataset: paste_pipeline must give one view '
                    f'(the classification view), it gave {len(inputs)}')
            inputs = inputs[0]
        item['paste_inputs'] = inputs
        item['paste_labels'] = torch.as_tensor(
            paste['data_samples'].gt_label, dtype=torch.long).view(-1)[:1]
        item['paste_plans'] = torch.tensor(plan, dtype=torch.float64)
        if 'augment_plans' in paste:
            item['paste_augment_plans'] = torch.as_tensor(
                paste['augment_plans']).reshape(-1)
        return item

    def __repr__(self) -> str:
        return (f'{type(self).__name__}(dataset={type(self.dataset).__name__}'
                f', {len(self)} items, paste_pipeline='
                f'{self.paste_pipeline!r})')
