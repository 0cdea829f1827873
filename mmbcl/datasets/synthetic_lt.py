"""SyntheticLT: a long-tailed image dataset generated in memory."""
from typing import List

import numpy as np

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .long_tail_profile import check_imb_factor, long_tail_profile

MAX_CYCLES = 5  # highest grating frequency, cycles per image


def class_template(label: int, size: int, seed: int) -> np.ndarray:
    """A class's texture: a sum of three gratings, mirror-symmetric.

    Horizontally symmetric (so a flip keeps the class) and periodic over
    the image (so a circular shift keeps it too); values in ``[-1, 1]``.
    """
    rng = np.random.RandomState([seed, label])
    ys, xs = np.mgrid[0:size, 0:size] * (2 * np.pi / size)
    template = np.zeros((size, size))
    for _ in range(3):
        fx, fy = rng.randint(0, MAX_CYCLES + 1, size=2)
        if fx == fy == 0:
            fy = 1
        phase = rng.uniform(0, 2 * np.pi)
        # cos(fx x + fy y + p) + cos(-fx x + fy y + p) is mirror-symmetric
        template += np.cos(fx * xs + fy * ys + phase) + np.cos(
            -fx * xs + fy * ys + phase)
    return template / np.abs(template).max()


@DATASETS.register_module()
class SyntheticLT(BaseDataset):
    """A deterministic, learnable, long-tailed dataset; nothing to download.

    Every class has its own texture (a sum of gratings); each image is the
    texture at a random offset and contrast, tinted with a random colour and
    Gaussian noise, so colour carries no class information and the class
    survives flips, crops and colour jitter. The training split follows the
    exponential long-tail profile; the test split is balanced. Images are
    RGB ``uint8`` arrays, like mmpretrain's CIFAR datasets. The embedded
    default of mmbcl's demo and tests.

    Args:
        split (str): ``'train'`` (long-tailed) or ``'test'`` (balanced).
        num_classes (int): Number of classes. Defaults to 10.
        n_max (int): Training images of class 0. Defaults to 500.
        imb_factor (float): ``1 / rho`` in ``(0, 1]``. Defaults to 0.01.
        test_per_class (int): Test images per class. Defaults to 50.
        img_size (int): Square image size. Defaults to 32.
        seed (int): Seed of the textures and images. Defaults to 0.
        **kwargs: ``BaseDataset`` arguments (``pipeline``, ...).

    Example:
        >>> ds = SyntheticLT(split='train', num_classes=4, n_max=100)
        >>> ds.class_counts.tolist(), ds[0]['img'].shape
        ([100, 21, 4, 1], (32, 32, 3))
    """

    def __init__(self,
                 split: str = 'train',
                 num_classes: int = 10,
                 n_max: int = 500,
                 imb_factor: float = 0.01,
                 test_per_class: int = 50,
                 img_size: int = 32,
                 seed: int = 0,
                 **kwargs):
        if split not in ('train', 'test'):
            raise ValueError(
                f"SyntheticLT: split must be 'train' or 'test', got {split!r}")
        check_imb_factor(imb_factor, 'SyntheticLT')
        self.split = split
        self.num_classes = num_classes
        self.n_max = n_max
        self.imb_factor = imb_factor
        self.test_per_class = test_per_class
        self.img_size = img_size
        self.seed = seed
        metainfo = dict(classes=[f'texture_{i}' for i in range(num_classes)])
        super().__init__(ann_file='', metainfo=metainfo, **kwargs)

    def load_data_list(self) -> List[dict]:
        if self.split == 'train':
            counts = long_tail_profile(self.n_max, self.num_classes,
                                       self.imb_factor)
        else:
            counts = [self.test_per_class] * self.num_classes
        for label, count in enumerate(counts):
            if count <= 0:
                raise ValueError(
                    f'SyntheticLT: class {label} would be empty (n_max='
                    f'{self.n_max}, imb_factor={self.imb_factor})')
        rng = np.random.RandomState([self.seed, self.split == 'train'])
        data_list = []
        for label, count in enumerate(counts):
            template = class_template(label, self.img_size, self.seed)
            for _ in range(count):
                data_list.append(
                    dict(img=self._render(template, rng), gt_label=label))
        return data_list

    def _render(self, template: np.ndarray,
                rng: np.random.RandomState) -> np.ndarray:
        dy, dx = rng.randint(0, self.img_size, size=2)
        pattern = np.roll(template, (dy, dx), axis=(0, 1))[..., None]
        base = rng.uniform(60, 190, size=3)
        gain = rng.uniform(40, 70) * rng.uniform(0.7, 1.3, size=3)
        noise = rng.normal(0, 20, size=pattern.shape[:2] + (3, ))
        return np.clip(base + gain * pattern + noise, 0, 255).astype(np.uint8)

    @property
    def class_counts(self) -> np.ndarray:
        """Images per class of this split, ``(C,)``."""
        return np.bincount(self.get_gt_labels(), minlength=self.num_classes)
