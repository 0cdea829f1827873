from .bcl_views import BCLViews, sim_view
from .draw_augment_plans import DrawAugmentPlans
from .pack_hwc_inputs import PackHWCInputs
from .random_interpolation import (RandomInterpolationRotate,
                                   RandomInterpolationShear,
                                   RandomInterpolationTranslate)

__all__ = [
    'BCLViews', 'sim_view', 'PackHWCInputs', 'RandomInterpolationRotate',
    'RandomInterpolationShear', 'RandomInterpolationTranslate',
    'DrawAugmentPlans'
]
