"""Long-tailed CIFAR-10 / CIFAR-100 (Cao et al., 2019)."""
from mmpretrain.datasets import CIFAR10, CIFAR100
from mmpretrain.registry import DATASETS

from .long_tail_profile import LongTailMixin


@DATASETS.register_module()
class CIFAR10LT(LongTailMixin, CIFAR10):
    """CIFAR-10-LT: the training split subsampled to a long-tailed profile.

    Class ``i`` keeps ``int(5000 * imb_factor ** (i / 9))`` images
    (``imb_type='exp'``), chosen with numpy seed 0 exactly as LDAM-DRW, so
    the subset equals the one every CIFAR-LT paper trains on. The test split
    is untouched. Data is read (and, with ``download=True``, downloaded) by
    mmpretrain's ``CIFAR10``.

    Args:
        imb_factor (float): ``1 / rho`` in ``(0, 1]``: 0.01, 0.02, 0.1 for
            rho = 100, 50, 10. Defaults to 0.01.
        imb_type (str): ``'exp'`` or ``'step'``. Defaults to ``'exp'``.
        imb_seed (int): Seed of the per-class selection. Defaults to 0.
        **kwargs: ``CIFAR10`` arguments (``data_root``, ``split``, ...).
    """

    def __init__(self,
                 imb_factor: float = 0.01,
                 imb_type: str = 'exp',
                 imb_seed: int = 0,
                 **kwargs):
        self._init_long_tail(imb_factor, imb_type, imb_seed)
        super().__init__(**kwargs)


@DATASETS.register_module()
class CIFAR100LT(LongTailMixin, CIFAR100):
    """CIFAR-100-LT; see :class:`CIFAR10LT` (500 images for class 0)."""

    def __init__(self,
                 imb_factor: float = 0.01,
                 imb_type: str = 'exp',
                 imb_seed: int = 0,
                 **kwargs):
        self._init_long_tail(imb_factor, imb_type, imb_seed)
        super().__init__(**kwargs)
