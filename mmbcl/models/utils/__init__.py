from .data_preprocessor import MultiViewDataPreprocessor, split_views
from .device_augment import DeviceAugment, DeviceAugmentDataPreprocessor
from .gather import gather_batch

__all__ = [
    'MultiViewDataPreprocessor', 'split_views', 'gather_batch',
    'DeviceAugment', 'DeviceAugmentDataPreprocessor'
]
