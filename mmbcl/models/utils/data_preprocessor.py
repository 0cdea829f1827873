"""Normalise every view of a multi-view batch."""
from typing import List, Optional

from torch import Tensor

from mmpretrain.models.utils import ClsDataPreprocessor
from mmpretrain.registry import MODELS


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
        return dict(
            inputs=[out['inputs'] for out in outputs],
            data_samples=outputs[0]['data_samples'])
