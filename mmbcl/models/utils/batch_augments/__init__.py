"""The device half of the gpu-aug recipes: each image's drawn plan
(:mod:`mmbcl.structures.augment_plan`) applied to the whole batch."""
from .apply_augment_plan import PlanApplier, draw_and_apply
from .balanced_cutmix import cutmix_box, paste_cutmix

__all__ = ['PlanApplier', 'draw_and_apply', 'cutmix_box', 'paste_cutmix']
