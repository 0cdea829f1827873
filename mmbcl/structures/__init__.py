"""Records shared between the data pipeline and the model."""
from .augment_plan import PlanLayout, check_view_augments, plan_length

__all__ = ['PlanLayout', 'check_view_augments', 'plan_length']
