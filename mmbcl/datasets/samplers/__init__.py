from .balanced_paste_sampler import BalancedPasteSampler
from .class_aware_sampler import ClassAwareSampler
from .class_complement_sampler import ClassComplementSampler
from .progressively_balanced_sampler import ProgressivelyBalancedSampler
from .repeat_factor_sampler import RepeatFactorSampler

__all__ = [
    'BalancedPasteSampler', 'ClassAwareSampler', 'ClassComplementSampler',
    'ProgressivelyBalancedSampler', 'RepeatFactorSampler'
]
