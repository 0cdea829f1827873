"""ConCutMix's paste: one box of the batch's paste images into its
classification views, with the area label.

The plan (paste or not, lambda, box centre) was drawn by
``BalancedPasteSampler`` and travels with the batch on the host, so the
box is known without reading anything back from the device; the paste and
the label are device ops.
"""
import math
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn.functional as F
from torch import Tensor


def cutmix_box(plan: Sequence[float], height: int,
               width: int) -> Tuple[int, int, int, int, float]:
    """The box of one CutMix plan and the share of the image it leaves.

    As ``rand_bbox`` in ConCutMix's ``main.py`` (and CutMix's): sides
    ``floor(side * sqrt(1 - lam))``, centre ``floor(u * side)``, clipped to
    the image; lambda is then recomputed from the clipped box.

    Args:
        plan (Sequence[float]): ``(paste, lam, centre_y, centre_x)``, the
            centre as fractions in ``[0, 1)``.
        height (int): Image height.
        width (int): Image width.

    Returns:
        tuple: ``(y1, y2, x1, x2, lam)``, lam being ``1 - box area /
        image area``, the weight of the image pasted into.

    Example:
        >>> cutmix_box((1, 0.75, 0.5, 0.5), 32, 32)
        (8, 24, 8, 24, 0.75)
    """
    _, lam, centre_y, centre_x = (float(v) for v in plan)
    ratio = math.sqrt(1.0 - lam)
    cut_h, cut_w = int(height * ratio), int(width * ratio)
    cy, cx = int(centre_y * height), int(centre_x * width)
    y1 = min(max(cy - cut_h // 2, 0), height)
    y2 = min(cy + cut_h // 2, height)
    x1 = min(max(cx - cut_w // 2, 0), width)
    x2 = min(cx + cut_w // 2, width)
    area = (y2 - y1) * (x2 - x1)
    return y1, y2, x1, x2, 1.0 - area / (height * width)


def first_plan(plans) -> list:
    """The plan of the batch's first image, read on the host (``plans``:
    ``(B, 4)``, or a list of per-sample ``(4,)``)."""
    plan = torch.as_tensor(plans[0])
    if plan.device.type != 'cpu':
        raise ValueError('the CutMix plans must stay on the host (they '
                         f'choose the box); got them on {plan.device}')
    return plan.view(-1).tolist()


def paste_cutmix(view: Tensor, paste: Tensor, plans, paste_labels: Tensor,
                 data_samples: Optional[List], num_classes: Optional[int]
                 ) -> Optional[float]:
    """Paste the batch's box in place and give each sample its area label.

    The plan of the batch's first image decides: with its ``paste`` set,
    every image of ``view`` gets the box from its own paste image, and each
    sample's ``gt_score`` becomes ``lam * onehot(label) + (1 - lam) *
    onehot(paste label)`` (its ``gt_label`` stays, for the contrastive
    branch). Otherwise nothing changes.

    Args:
        view (Tensor): The classification views ``(B, C, H, W)``, changed
            in place.
        paste (Tensor): The paste views, same shape and device.
        plans: The CutMix plans, ``(B, 4)`` on the host (a tensor or a
            list of per-sample tensors).
        paste_labels (Tensor): ``(B,)`` paste labels on the device.
        data_samples (list[DataSample], optional): The batch's samples.
        num_classes (int, optional): Classes of the one-hot labels.

    Returns:
        float | None: lambda of the pasted batch, None if not pasted.
    """
    plan = first_plan(plans)
    if not plan[0]:
        return None
    if data_samples and not num_classes:
        raise ValueError('ConCutMix gives soft labels: set data_preprocessor.'
                         'num_classes to the number of classes')
    if paste.shape != view.shape:
        raise ValueError('ConCutMix pastes the paste view into the '
                         f'classification view: shapes {tuple(paste.shape)} '
                         f'and {tuple(view.shape)} differ; paste_pipeline '
                         "must end as the classification view's transforms")
    y1, y2, x1, x2, lam = cutmix_box(plan, view.shape[-2], view.shape[-1])
    view[..., y1:y2, x1:x2] = paste[..., y1:y2, x1:x2]
    if data_samples:
        labels = torch.cat([s.gt_label for s in data_samples]).to(view.device)
        scores = (lam * F.one_hot(labels, num_classes).float() +
                  (1.0 - lam) *
                  F.one_hot(paste_labels.view(-1), num_classes).float())
        for sample, score in zip(data_samples, scores):
            sample.set_gt_score(score)
    return lam
