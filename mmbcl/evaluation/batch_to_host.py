"""Copy a batch's fields to the host once, not once per sample.

The metrics' ``process`` receives the batch's data samples (as dicts) with
their tensors still on the device. Reading them sample by sample
(``tensor.cpu()``, ``int(label)``) waits for the device once per sample;
these helpers stack the field on its device and copy the stack once.
"""
from typing import List, Sequence

import numpy as np
import torch


def batch_field(data_samples: Sequence[dict], key: str) -> np.ndarray:
    """Field ``key`` of every sample, stacked into one host array.

    Args:
        data_samples (Sequence[dict]): The batch's samples, each holding
            ``key`` (a tensor, an array or a number).
        key (str): The field, e.g. ``'contrast_feat'``.

    Returns:
        np.ndarray: ``(N, *shape)``; tensors are stacked on their device and
        copied in one transfer (floating ones as float32 or wider).
    """
    values = [sample[key] for sample in data_samples]
    if values and all(isinstance(v, torch.Tensor) for v in values):
        stacked = torch.stack(values).detach()
        if stacked.is_floating_point() and stacked.element_size() < 4:
            stacked = stacked.float()  # numpy has no bfloat16
        return stacked.cpu().numpy()
    return np.stack([np.asarray(v) for v in values])


def batch_labels(data_samples: Sequence[dict], key: str = 'gt_label'
                 ) -> List[int]:
    """The first entry of each sample's label field ``key``
    (``gt_label``/``pred_label``, ``(1, )`` each), as Python ints, copied
    in one transfer."""
    labels = [sample[key] for sample in data_samples]
    if labels and all(isinstance(v, torch.Tensor) for v in labels):
        if not all(v.shape == (1, ) for v in labels):  # e.g. multi-label
            labels = [v.reshape(-1)[:1] for v in labels]
        return torch.cat(labels).tolist()
    return [int(np.asarray(v).reshape(-1)[0]) for v in labels]
