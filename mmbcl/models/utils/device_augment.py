"""DeviceAugmentDataPreprocessor: the device half of the gpu-aug recipes.

The CPU workers decode, crop and flip each view, and draw each image's
augmentation plan (``DrawAugmentPlans``); this preprocessor applies the
plans to the whole batch on the model's device
(:class:`~mmbcl.models.utils.batch_augments.PlanApplier`). The training
process draws nothing, and a training batch crosses to the device in one
non-blocking copy per tensor: each view, the plans and the labels (pinned
by the dataloader with ``pin_memory=True``).
"""
from typing import List, Optional, Sequence

import torch
from torch import Tensor

from mmpretrain.registry import MODELS

from ...structures.augment_plan import check_view_augments
from .batch_augments import PlanApplier
from .data_preprocessor import MultiViewDataPreprocessor, split_views

NEEDS_PLANS = ('DeviceAugmentDataPreprocessor: the training batch has no '
               "'augment_plans'; the train pipeline must draw them: "
               "dict(type='DrawAugmentPlans', view_augments=...) after "
               'MultiView, then PackHWCInputs, with the same view_augments')


@MODELS.register_module()
class DeviceAugmentDataPreprocessor(MultiViewDataPreprocessor):
    """``MultiViewDataPreprocessor`` that first applies each training view's
    augmentation plans on the device.

    Training batches: each view (uint8 from the CPU pipeline, packed by
    ``PackHWCInputs``, or by ``PackInputs`` without ``hwc_inputs``) is
    copied to the device, augmented by the plans the workers drew for it
    (``view_augments[v]`` read as BGR, as mmcv's ops do on the CPU),
    converted to RGB if ``to_rgb``, then normalised. Validation and test
    batches, and ``view_augments=None``, are handled as by
    ``MultiViewDataPreprocessor``.

    Every copy to the device is ``non_blocking`` (pin the batch with
    ``train_dataloader.pin_memory=True``, as the gpu-aug recipes do), the
    labels are copied once for the batch, and nothing is read back.

    Args:
        view_augments (list[list[dict]], optional): Per view, in the order
            of the ``MultiView`` views, the MMPretrain transform configs the
            plans were drawn from: the same list as the pipeline's
            ``DrawAugmentPlans``.
        hwc_inputs (bool): Training views come channels-last, ``(B, H, W,
            C)``, as ``PackHWCInputs`` packs them. Defaults to False.
        non_blocking (bool): Copy to the device without waiting. Defaults
            to True.
        **kwargs: Arguments of ``MultiViewDataPreprocessor``.

    Example:
        >>> pre = MODELS.build(dict(
        ...     type='DeviceAugmentDataPreprocessor', to_rgb=True,
        ...     mean=[0, 0, 0], std=[255, 255, 255],
        ...     view_augments=[[dict(type='RandomGrayscale', prob=1.0,
        ...                          keep_channels=True)]]))
        >>> views = [torch.randint(0, 256, (2, 3, 8, 8), dtype=torch.uint8)]
        >>> out = pre(dict(inputs=views, data_samples=None,
        ...                augment_plans=torch.ones(2, 1, 1)), training=True)
        >>> bool((out['inputs'][0][:, 0] == out['inputs'][0][:, 1]).all())
        True
    """

    def __init__(self,
                 view_augments: Optional[Sequence[Sequence[dict]]] = None,
                 hwc_inputs: bool = False,
                 non_blocking: bool = True,
                 **kwargs):
        super().__init__(**kwargs)
        self._non_blocking = non_blocking
        self.hwc_inputs = hwc_inputs
        if view_augments is not None:
            check_view_augments(view_augments,
                                'DeviceAugmentDataPreprocessor')
        self.appliers = None if view_augments is None else [
            PlanApplier(v) for v in view_augments
        ]

    def _affine_normalization(self):
        """``(1 / std, -mean / std)``, so that normalising is one
        ``addcmul``; recomputed only when the buffers change (device,
        dtype or values)."""
        key = (id(self.mean), id(self.std), self.mean.device,
               self.mean.dtype, self.mean._version, self.std._version)
        if getattr(self, '_normalization', (None, ))[0] != key:
            scale = 1 / self.std
            self._normalization = (key, (scale, -self.mean * scale))
        return self._normalization[1]

    def _channels_first(self, x: Tensor) -> Tensor:
        """``(B, C, H, W)``, checking the layout ``hwc_inputs`` promises."""
        channels = x.shape[-1] if self.hwc_inputs else x.shape[1]
        if x.dim() != 4 or channels != 3:
            layout = '(B, H, W, 3)' if self.hwc_inputs else '(B, 3, H, W)'
            hint = ('PackHWCInputs packs (H, W, 3); PackInputs (3, H, W): '
                    'hwc_inputs must match the pipeline\'s packing')
            raise ValueError(
                f'DeviceAugmentDataPreprocessor: a training view of shape '
                f'{tuple(x.shape)} is not {layout}. {hint}')
        return x.permute(0, 3, 1, 2) if self.hwc_inputs else x

    def _labels_once(self, data: dict, data_samples: List):
        """All labels to the device in one copy, then one view each."""
        if not data_samples or 'gt_label' not in data_samples[0]:
            return
        labels = data.get('labels')
        if labels is None:  # not packed by PackHWCInputs: gather them
            labels = torch.cat([s.gt_label for s in data_samples])
        labels = self.cast_data(self._batch(labels).view(-1))
        for sample, label in zip(data_samples, labels.split(1)):
            sample.set_gt_label(label)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Augment (training) and normalise each view."""
        views = split_views(data['inputs'])
        if not training or views is None or self.appliers is None:
            return super().forward(data, training)
        if len(views) != len(self.appliers):
            raise ValueError(
                f'DeviceAugmentDataPreprocessor: the batch has {len(views)} '
                f'views, view_augments configures {len(self.appliers)}')
        if data.get('augment_plans') is None:
            raise ValueError(NEEDS_PLANS)
        plans = self._batch(data['augment_plans'])
        need = max(a.layout.size for a in self.appliers)
        if plans.dim() != 3 or plans.shape[1] != len(views) or \
                plans.shape[2] < need:
            raise ValueError(
                f'DeviceAugmentDataPreprocessor: augment_plans of shape '
                f'{tuple(plans.shape)} do not fit {len(views)} views of '
                f'{need}-long records: DrawAugmentPlans and the '
                'preprocessor must have the same view_augments')
        plans = self.cast_data(plans)
        outputs = [
            self._augment(view, applier, plans[:, v])
            for v, (view, applier) in enumerate(zip(views, self.appliers))
        ]
        data_samples = data.get('data_samples')
        self._labels_once(data, data_samples)
        if data.get('paste_inputs') is not None:
            # the paste images' classification view: view 0's device half
            paste_plans = data.get('paste_augment_plans')
            if paste_plans is None:
                raise ValueError(
                    'DeviceAugmentDataPreprocessor: the batch has paste '
                    "views but no 'paste_augment_plans'; BalancedPasteDataset"
                    "'s paste_pipeline must draw them: DrawAugmentPlans with "
                    "view_augments=[<the classification view's>], then "
                    'PackHWCInputs')
            paste_plans = self.cast_data(self._batch(paste_plans))
            paste = self._augment(data['paste_inputs'], self.appliers[0],
                                  paste_plans.view(len(paste_plans), -1))
            self.paste(outputs[0], paste, data, data_samples)
        return dict(inputs=outputs, data_samples=data_samples)

    def _augment(self, view, applier: PlanApplier, plans: Tensor) -> Tensor:
        """One view to the device, augmented by its plans, normalised."""
        x = self._channels_first(self.cast_data(self._batch(view)))
        # mmcv's ops read the loaded channels as BGR, whatever they are;
        # the device ops read them the same way, in the order the model
        # takes (flipped once for to_rgb, never flipped back)
        x = x.float()
        if self.to_rgb:
            x = x.flip(1)
        x = applier.apply_(x, plans, bgr=not self.to_rgb)
        if self._enable_normalize:  # (x - mean) / std in one op
            scale, shift = self._affine_normalization()
            x = torch.addcmul(shift, x, scale)
        return x
