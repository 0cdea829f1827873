from .bcl_views import BCLViews, sim_view
from .random_interpolation import (RandomInterpolationRotate,
                                   RandomInterpolationShear,
                                   RandomInterpolationTranslate)

__all__ = [
    'BCLViews', 'sim_view', 'RandomInterpolationRotate',
    'RandomInterpolationShear', 'RandomInterpolationTranslate'
]
