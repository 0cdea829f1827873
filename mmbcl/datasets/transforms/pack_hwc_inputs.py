"""PackHWCInputs: pack images as they are, height x width x channels."""
import numpy as np
import torch

from mmpretrain.datasets.transforms import PackInputs
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackHWCInputs(PackInputs):
    """``PackInputs`` without the channels-first copy.

    ``PackInputs`` copies every image into channels-first order on the CPU.
    The gpu-aug recipes pack their uint8 views as they are (``(H, W, C)``,
    no copy when the array is contiguous) and let
    ``DeviceAugmentDataPreprocessor(hwc_inputs=True)`` permute them on the
    device, where it costs nothing. Arguments as ``PackInputs``.

    Example:
        >>> pack = PackHWCInputs()
        >>> img = np.zeros((4, 6, 3), np.uint8)
        >>> tuple(pack(dict(img=img, gt_label=0))['inputs'].shape)
        (4, 6, 3)
    """

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
