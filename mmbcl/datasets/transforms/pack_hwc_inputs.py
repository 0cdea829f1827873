"""PackHWCInputs: pack images as they are, height x width x channels."""
import numpy as np
import torch

from mmpretrain.datasets.transforms import PackInputs
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackHWCInputs(PackInputs):
    """``PackInputs`` without the channels-first copy, with the batch's
    device-side inputs.

    ``PackInputs`` copies every image into channels-first order on the CPU.
    The gpu-aug recipes pack their uint8 views as they are (``(H, W, C)``,
    no copy when the array is contiguous) and let
    ``DeviceAugmentDataPreprocessor(hwc_inputs=True)`` permute them on the
    device, where it costs nothing. It also packs the plans
    ``DrawAugmentPlans`` drew (``augment_plans``) and the label as a plain
    tensor (``labels``), so that ``default_collate`` stacks each into one
    tensor the dataloader pins and the preprocessor copies once. Arguments
    as ``PackInputs``.

    Example:
        >>> pack = PackHWCInputs()
        >>> img = np.zeros((4, 6, 3), np.uint8)
        >>> tuple(pack(dict(img=img, gt_label=0))['inputs'].shape)
        (4, 6, 3)
    """

    def transform(self, results: dict) -> dict:
        packed = super().transform(results)
        if 'augment_plans' in results:
            packed['augment_plans'] = torch.from_numpy(
                results['augment_plans'])
        if 'gt_label' in results:
            packed['labels'] = torch.as_tensor(
                np.asarray(results['gt_label']).reshape(-1)[:1],
                dtype=torch.long)
        return packed

    @staticmethod
    def format_input(input_):
        """Images (``(H, W)`` or ``(H, W, C)`` arrays) to tensors as they
        are; anything else as ``PackInputs``."""
        if isinstance(input_, list):
            return [PackHWCInputs.format_input(item) for item in input_]
        if isinstance(input_, np.ndarray) and input_.ndim in (2, 3):
            if input_.ndim == 2:
                input_ = input_[..., None]
            return torch.from_numpy(np.ascontiguousarray(input_))
        return PackInputs.format_input(input_)
