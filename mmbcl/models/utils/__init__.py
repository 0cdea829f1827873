from .batch_augments import PlanApplier, draw_and_apply
from .data_preprocessor import MultiViewDataPreprocessor, split_views
from .device_augment import DeviceAugmentDataPreprocessor
from .gather import gather_batch
from .semantically_consistent_label import (SemanticallyConsistentLabel,
                                            semantically_consistent_label)

__all__ = [
    'MultiViewDataPreprocessor', 'split_views', 'gather_batch',
    'PlanApplier', 'draw_and_apply', 'DeviceAugmentDataPreprocessor',
    'SemanticallyConsistentLabel', 'semantically_consistent_label'
]
