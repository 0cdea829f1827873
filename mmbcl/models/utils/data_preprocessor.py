"""Normalise every view of a multi-view batch."""
from typing import List, Optional

import numpy as np
import torch
from torch import Tensor

from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS

from .batch_augments.balanced_cutmix import paste_cutmix


def split_views(inputs) -> Optional[List]:
    """Regroup collated multi-view inputs by view.

    Args:
        inputs: ``data['inputs']``. Both collate functions put the view
            first: ``default_collate`` gives a tensor, or a list of
            ``(B, C, H, W)`` tensors, one per view; ``pseudo_collate`` gives
            a list of ``(C, H, W)`` tensors, or one such list per view.

    Returns:
        list | None: One single-view batch per view, or None if ``inputs``
        holds a single view.
    """
    if isinstance(inputs, Tensor):
        return None
    first = inputs[0]
    if isinstance(first, (list, tuple)) or first.dim() == 4:
        return list(inputs)
    return None


@MODELS.register_module()
class MultiViewDataPreprocessor(ClsDataPreprocessor):
    """``ClsDataPreprocessor`` for pipelines ending in ``MultiView``.

    Each view is normalised (and converted / padded / stacked) exactly as
    ``ClsDataPreprocessor`` treats a single-view batch; single-view batches
    (validation, test) pass through unchanged. Batch augmentations such as
    Mixup would have to mix all views alike and are refused.

    ConCutMix: a training batch from ``BalancedPasteDataset`` also holds
    each image's paste view (``paste_inputs``), normalised the same way;
    where the batch's plan says so, its box is pasted into the
    classification views and each sample gets its area label
    (``gt_score``; :func:`~mmbcl.models.utils.batch_augments.paste_cutmix`).
    ``num_classes`` must be set for it.

    Args:
        **kwargs: Arguments of ``ClsDataPreprocessor``.

    Example:
        >>> import torch
        >>> pre = MODELS.build(dict(type='MultiViewDataPreprocessor',
        ...                         mean=[0, 0, 0], std=[255, 255, 255]))
        >>> views = [torch.zeros(2, 3, 4, 4, dtype=torch.uint8)] * 3
        >>> out = pre(dict(inputs=views, data_samples=None), training=True)
        >>> len(out['inputs'])
        3
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if self.batch_augments is not None:
            raise ValueError(
                'MultiViewDataPreprocessor does not support batch_augments '
                f'(got {kwargs.get("batch_augments")}); remove train_cfg '
                'augments such as Mixup/CutMix')

    def forward(self, data: dict, training: bool = False) -> dict:
        """Preprocess each view; see ``ClsDataPreprocessor.forward``."""
        views = split_views(data['inputs'])
        if views is None:
            return super().forward(data, training)
        outputs = [
            super(MultiViewDataPreprocessor, self).forward(
                dict(
                    inputs=view,
                    data_samples=data.get('data_samples') if i == 0 else None),
                training) for i, view in enumerate(views)
        ]
        inputs = [out['inputs'] for out in outputs]
        data_samples = outputs[0]['data_samples']
        if training and data.get('paste_inputs') is not None:
            paste = super(MultiViewDataPreprocessor, self).forward(
                dict(inputs=data['paste_inputs'], data_samples=None),
                training)['inputs']
            self.paste(inputs[0], paste, data, data_samples)
        return dict(inputs=inputs, data_samples=data_samples)

    @staticmethod
    def _batch(values) -> Tensor:
        """A collated tensor as it is (``default_collate``), or a list of
        per-sample items stacked on the host (``pseudo_collate``)."""
        if isinstance(values, Tensor):
            return values
        return torch.stack([torch.as_tensor(np.asarray(v)) if not isinstance(
            v, Tensor) else v for v in values])

    def paste(self, view: Tensor, paste: Tensor, data: dict,
              data_samples: Optional[List]) -> None:
        """ConCutMix's paste into the classification views (in place)."""
        labels = self._batch(data['paste_labels'])
        paste_cutmix(view, paste, data['paste_plans'],
                     self.cast_data(labels.view(-1)), data_samples,
                     self.num_classes)
