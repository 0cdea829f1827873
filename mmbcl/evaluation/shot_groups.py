"""Many / medium / few-shot groups of the training set's classes."""
from typing import Dict, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric


def shot_groups(class_counts: Sequence[int], many_shot_thr: int = 100,
                few_shot_thr: int = 20) -> Dict[str, np.ndarray]:
    """Boolean class masks: many (> many_shot_thr training images), few
    (< few_shot_thr) and medium (the rest), as in Liu et al. (2019)."""
    counts = np.asarray(class_counts)
    return dict(
        many=counts > many_shot_thr,
        medium=(counts >= few_shot_thr) & (counts <= many_shot_thr),
        few=counts < few_shot_thr)


class ShotGroupMetric(BaseMetric):
    """A metric reported by shot group of the training set.

    Holds the thresholds and the training class counts, which
    ``ClassCountsHook`` sets through :meth:`set_class_counts` (from the
    training set, or from the checkpoint in a test-only run).

    Args:
        many_shot_thr (int): Defaults to 100.
        few_shot_thr (int): Defaults to 20.
        class_counts (Sequence[int], optional): Training images per class.
        collect_device (str): ``'cpu'`` or ``'gpu'``.
        prefix (str, optional): Prefix of the result keys.
    """

    def __init__(self,
                 many_shot_thr: int = 100,
                 few_shot_thr: int = 20,
                 class_counts: Optional[Sequence[int]] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if not few_shot_thr <= many_shot_thr:
            raise ValueError(
                f'{type(self).__name__}: few_shot_thr ({few_shot_thr}) must '
                f'not exceed many_shot_thr ({many_shot_thr})')
        self.many_shot_thr = many_shot_thr
        self.few_shot_thr = few_shot_thr
        self.class_counts = None
        if class_counts is not None:
            self.set_class_counts(class_counts)

    def set_class_counts(self, class_counts: Sequence[int]) -> None:
        """Set the training images per class."""
        self.class_counts = np.asarray(class_counts, dtype=np.int64)

    def groups(self) -> Dict[str, np.ndarray]:
        return shot_groups(self.class_counts, self.many_shot_thr,
                           self.few_shot_thr)
