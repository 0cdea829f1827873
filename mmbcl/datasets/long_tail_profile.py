"""The long-tailed class profile (exponential or step) shared by every LT
benchmark, and the subsampling that draws a dataset to it."""
from typing import List, Sequence

import numpy as np

IMB_TYPES = ('exp', 'step')


def check_imb_factor(imb_factor, where: str) -> None:
    """Raise unless ``imb_factor`` (= 1 / rho) lies in ``(0, 1]``."""
    if not isinstance(imb_factor, (int, float)) or not 0 < imb_factor <= 1:
        raise ValueError(
            f'{where}: imb_factor must be in (0, 1] (1 / imbalance ratio, '
            f'e.g. 0.01 for rho=100), got {imb_factor!r}')


def long_tail_profile(n_max: int,
                      num_classes: int,
                      imb_factor: float,
                      imb_type: str = 'exp') -> List[int]:
    """Images per class of a long-tailed split.

    ``'exp'``: ``n_i = int(n_max * imb_factor ** (i / (C - 1)))``;
    ``'step'``: the first ``C // 2`` classes keep ``n_max``, the rest get
    ``int(n_max * imb_factor)``. As in LDAM-DRW (Cao et al., 2019).

    Args:
        n_max (int): Images of the most frequent (first) class.
        num_classes (int): Number of classes ``C``.
        imb_factor (float): ``1 / rho`` in ``(0, 1]``.
        imb_type (str): ``'exp'`` or ``'step'``.

    Returns:
        list[int]: ``C`` counts, class 0 first.

    Example:
        >>> long_tail_profile(5000, 10, 0.01)
        [5000, 2997, 1796, 1077, 645, 387, 232, 139, 83, 50]
    """
    check_imb_factor(imb_factor, 'long_tail_profile')
    if imb_type == 'exp':
        return [
            int(n_max * imb_factor**(i / max(num_classes - 1.0, 1.0)))
            for i in range(num_classes)
        ]
    if imb_type == 'step':
        head = num_classes // 2
        return [int(n_max)] * head + [int(n_max * imb_factor)] * (
            num_classes - head)
    raise ValueError(
        f'imb_type must be one of {IMB_TYPES}, got {imb_type!r}')


def long_tail_indices(labels: Sequence[int], num_per_class: Sequence[int],
                      seed: int = 0) -> np.ndarray:
    """Pick ``num_per_class[c]`` indices of each class ``c``, seeded.

    Classes are visited in order and each class's indices shuffled by one
    ``RandomState(seed)``, which reproduces LDAM-DRW's
    ``np.random.seed(0)`` selection, so CIFAR-LT subsets equal the published
    ones.

    Args:
        labels (Sequence[int]): Label of every image of the source split.
        num_per_class (Sequence[int]): Wanted images per class.
        seed (int): Seed of the selection. Defaults to 0.

    Returns:
        np.ndarray: Selected indices, grouped by class.
    """
    labels = np.asarray(labels, dtype=np.int64)
    available = np.bincount(labels, minlength=len(num_per_class))
    for c, (want, have) in enumerate(zip(num_per_class, available)):
        if want <= 0:
            raise ValueError(
                f'class {c} would be empty after long-tail subsampling '
                f'(wanted {want} images); raise imb_factor or use a larger '
                'source split')
        if want > have:
            raise ValueError(f'class {c} has {have} images, fewer than the '
                             f'{want} the long-tail profile asks for')
    rng = np.random.RandomState(seed)
    selected = []
    for c, want in enumerate(num_per_class):
        idx = np.where(labels == c)[0]
        rng.shuffle(idx)
        selected.append(idx[:want])
    return np.concatenate(selected)


class LongTailMixin:
    """Subsample a balanced MMPretrain dataset's data list per class.

    Mixed into a dataset class before it (``class X(LongTailMixin,
    CIFAR10)``); subsamples only the training split, keeps the test split.
    """

    def _init_long_tail(self, imb_factor: float, imb_type: str,
                        seed: int) -> None:
        check_imb_factor(imb_factor, type(self).__name__)
        if imb_type not in IMB_TYPES:
            raise ValueError(f'{type(self).__name__}: imb_type must be one '
                             f'of {IMB_TYPES}, got {imb_type!r}')
        self.imb_factor = imb_factor
        self.imb_type = imb_type
        self.imb_seed = seed

    def load_data_list(self) -> List[dict]:
        data_list = super().load_data_list()
        if self.test_mode or getattr(self, 'split', 'train') != 'train':
            return data_list
        labels = np.array([int(d['gt_label']) for d in data_list])
        counts = np.bincount(labels, minlength=len(self.metainfo['classes']))
        profile = long_tail_profile(
            int(counts.max()), len(counts), self.imb_factor, self.imb_type)
        keep = long_tail_indices(labels, profile, self.imb_seed)
        return [data_list[i] for i in keep]

    @property
    def class_counts(self) -> np.ndarray:
        """Training images per class, ``(C,)``."""
        return np.bincount(
            self.get_gt_labels(), minlength=len(self.metainfo['classes']))
