from .class_aware_sampler import ClassAwareSampler
from .class_complement_sampler import ClassComplementSampler
from .progressively_balanced_sampler import ProgressivelyBalancedSampler
from .repeat_factor_sampler import RepeatFactorSampler

__all__ = [
    'ClassAwareSampler', 'ClassComplementSampler',
    'ProgressivelyBalancedSampler', 'RepeatFactorSampler'
]
