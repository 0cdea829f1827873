from .balanced_paste_dataset import BalancedPasteDataset
from .cifar_lt import CIFAR10LT, CIFAR100LT
from .class_counts import get_class_counts, get_labels
from .long_tail_dataset import LongTailDataset
from .long_tail_profile import (LongTailMixin, long_tail_indices,
                                long_tail_profile)
from .lt_list_dataset import (ImageNetLT, INaturalist2018, LTListDataset,
                              PlacesLT, parse_list_file)
from .mnist5k_lt import MNIST5kLT
from .preflight import (DataNotFoundError, UnreadableImageError, check_data,
                        unreadable_images_first)
from .samplers import (BalancedPasteSampler, ClassAwareSampler,
                       ClassComplementSampler, ProgressivelyBalancedSampler,
                       RepeatFactorSampler)
from .synthetic_lt import SyntheticLT
from .transforms import (BCLViews, PackHWCInputs, RandomInterpolationRotate,
                         RandomInterpolationShear,
                         RandomInterpolationTranslate, sim_view)

__all__ = [
    'CIFAR10LT', 'CIFAR100LT', 'get_class_counts', 'LongTailMixin',
    'long_tail_indices', 'long_tail_profile', 'SyntheticLT', 'ImageNetLT',
    'INaturalist2018', 'LTListDataset', 'PlacesLT', 'parse_list_file',
    'get_labels', 'LongTailDataset', 'ClassAwareSampler',
    'ClassComplementSampler', 'ProgressivelyBalancedSampler',
    'RepeatFactorSampler', 'BCLViews', 'sim_view',
    'RandomInterpolationRotate', 'RandomInterpolationShear',
    'RandomInterpolationTranslate', 'PackHWCInputs', 'DataNotFoundError',
    'UnreadableImageError', 'check_data', 'unreadable_images_first',
    'MNIST5kLT', 'BalancedPasteDataset', 'BalancedPasteSampler'
]
