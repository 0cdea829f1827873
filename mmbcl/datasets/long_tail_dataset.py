"""LongTailDataset: make any dataset long-tailed."""
import copy
from typing import Optional, Union

import numpy as np

from mmpretrain.registry import DATASETS

from .class_counts import get_labels, num_classes_of
from .long_tail_profile import (IMB_TYPES, check_imb_factor, long_tail_indices,
                                long_tail_profile)

CLASS_ORDERS = ('given', 'frequency')


@DATASETS.register_module()
class LongTailDataset:
    """Subsample any MMPretrain/MMEngine dataset to a long-tailed profile.

    Class at rank ``r`` keeps ``long_tail_profile(n_max, C, imb_factor,
    imb_type)[r]`` images, ``n_max`` being the source's largest class
    unless given ("ρ = 100 from my folder, at most 400 a class":
    ``imb_factor=0.01, n_max=400``); each
    class's images are chosen with ``RandomState(seed)`` (LDAM-DRW's
    procedure, see ``long_tail_indices``). Ranks follow the class index
    (``class_order='given'``) or the source's frequency, most frequent first
    (``'frequency'``, for sources that are already imbalanced). Class counts
    are exposed as ``class_counts``, like the built-in LT datasets, so
    ``LogitAdjustLoss``, ``ShotAccuracy`` and the samplers work unchanged.

    It follows MMEngine's dataset-wrapper conventions (``metainfo``,
    ``lazy_init`` / ``full_init``, ``get_data_info``, ``get_cat_ids``,
    ``get_gt_labels``), so it composes with ``ClassBalancedDataset``,
    ``ConcatDataset`` and ``RepeatDataset`` in either order (as config
    dicts, as MMEngine's own wrappers do).

    Args:
        dataset (dict | Dataset): The source dataset or its config, which
            may itself be a wrapper.
        imb_factor (float): ``1 / rho`` in ``(0, 1]``. Defaults to 0.01.
        imb_type (str): ``'exp'`` or ``'step'``. Defaults to ``'exp'``.
        seed (int): Seed of the per-class selection. Defaults to 0.
        class_order (str): ``'given'`` or ``'frequency'``.
        n_max (int, optional): Images of the rank-0 class. Defaults to the
            source's largest class. A class with fewer images than its rank
            asks for is an error that names the largest ``n_max`` the
            source can give.
        lazy_init (bool): Defer loading the source, as MMEngine datasets
            do. Defaults to False.

    Example:
        >>> ds = LongTailDataset(
        ...     dict(type='SyntheticLT', split='test', test_per_class=40),
        ...     imb_factor=0.1)
        >>> ds.class_counts.tolist()
        [40, 30, 23, 18, 14, 11, 8, 6, 5, 4]
    """

    def __init__(self,
                 dataset: Union[dict, object],
                 imb_factor: float = 0.01,
                 imb_type: str = 'exp',
                 seed: int = 0,
                 class_order: str = 'given',
                 n_max: Optional[int] = None,
                 lazy_init: bool = False):
        check_imb_factor(imb_factor, 'LongTailDataset')
        if imb_type not in IMB_TYPES:
            raise ValueError(f'LongTailDataset: imb_type must be one of '
                             f'{IMB_TYPES}, got {imb_type!r}')
        if class_order not in CLASS_ORDERS:
            raise ValueError(f'LongTailDataset: class_order must be one of '
                             f'{CLASS_ORDERS}, got {class_order!r}')
        if n_max is not None and (not isinstance(n_max, int) or n_max < 1):
            raise ValueError('LongTailDataset: n_max must be a positive int '
                             f'or None, got {n_max!r}')
        self.n_max = n_max
        self.dataset = (
            DATASETS.build(dataset) if isinstance(dataset, dict) else dataset)
        self.imb_factor = imb_factor
        self.imb_type = imb_type
        self.seed = seed
        self.class_order = class_order
        self._fully_initialized = False
        if not lazy_init:
            self.full_init()

    @property
    def metainfo(self) -> dict:
        return copy.deepcopy(self.dataset.metainfo)

    def full_init(self) -> None:
        """Load the source and choose the long-tailed subset."""
        if self._fully_initialized:
            return
        labels = get_labels(self.dataset)
        num_classes = num_classes_of(self.dataset, labels)
        counts = np.bincount(labels, minlength=num_classes)
        ranks = (np.arange(num_classes) if self.class_order == 'given' else
                 np.argsort(-counts, kind='stable'))
        n_max = int(counts.max()) if self.n_max is None else self.n_max
        num_per_class = self._profile(n_max, num_classes, ranks)
        short = np.flatnonzero(num_per_class > counts)
        if len(short):
            c, fits = int(short[0]), self._largest_n_max(counts, ranks)
            raise ValueError(
                f'LongTailDataset: class {c} has {counts[c]} images, fewer '
                f'than the {num_per_class[c]} its rank asks for (n_max='
                f'{n_max}, imb_factor={self.imb_factor}, class_order='
                f'{self.class_order!r}); set n_max={fits} or less, or '
                "class_order='frequency'")
        self._indices = long_tail_indices(labels, num_per_class, self.seed)
        self._labels = labels[self._indices]
        self._fully_initialized = True

    def _profile(self, n_max: int, num_classes: int,
                 ranks: np.ndarray) -> np.ndarray:
        """Images per class (by class index) for ``n_max``."""
        num_per_class = np.empty(num_classes, dtype=np.int64)
        num_per_class[ranks] = long_tail_profile(
            n_max, num_classes, self.imb_factor, self.imb_type)
        return num_per_class

    def _largest_n_max(self, counts: np.ndarray, ranks: np.ndarray) -> int:
        """The largest ``n_max`` whose profile every class can give."""
        low, high = 0, int(counts.max())  # low fits (or is 0), high fits not
        while high - low > 1:
            middle = (low + high) // 2
            fits = (self._profile(middle, len(counts), ranks) <= counts).all()
            low, high = (middle, high) if fits else (low, middle)
        return low

    def get_gt_labels(self) -> np.ndarray:
        self.full_init()
        return self._labels

    @property
    def class_counts(self) -> np.ndarray:
        """Images per class after subsampling, ``(C,)``."""
        self.full_init()
        return np.bincount(
            self._labels, minlength=len(self.metainfo.get('classes') or ()))

    def get_cat_ids(self, idx: int) -> list:
        """The category of item ``idx``, as MMEngine's wrappers expect
        (``ClassBalancedDataset`` reads it to oversample rare classes)."""
        self.full_init()
        return [int(self._labels[idx])]

    def get_data_info(self, idx: int) -> dict:
        self.full_init()
        return self.dataset.get_data_info(int(self._indices[idx]))

    def __getitem__(self, idx: int) -> dict:
        self.full_init()
        return self.dataset[int(self._indices[idx])]

    def __len__(self) -> int:
        self.full_init()
        return len(self._indices)
