"""RandAugment's geometric ops with an interpolation drawn per image.

The authors' RandAugment (timm's ``rand_augment_transform``) resamples
rotations, shears and translations with bilinear or bicubic interpolation,
chosen at random each time an op runs (``_RANDOM_INTERPOLATION`` in their
``randaugment.py``). MMPretrain's ``Rotate``, ``Shear`` and ``Translate``
take one fixed ``interpolation``. These subclasses also accept a tuple of
interpolations and draw one, uniformly, for each image they transform.
"""
from typing import Sequence, Union

import numpy as np

from mmpretrain.datasets.transforms import Rotate, Shear, Translate
from mmpretrain.registry import TRANSFORMS

INTERPOLATIONS = ('nearest', 'bilinear', 'bicubic', 'area', 'lanczos')


class RandomInterpolationMixin:
    """Draws ``self.interpolation`` from ``interpolations`` per image.

    Args:
        interpolation (str | Sequence[str]): One interpolation, or several
            to choose from uniformly for each image.
    """

    def _set_interpolations(self, interpolation: Union[str, Sequence[str]]):
        choices = ((interpolation, ) if isinstance(interpolation, str) else
                   tuple(interpolation))
        bad = [c for c in choices if c not in INTERPOLATIONS]
        if not choices or bad:
            raise ValueError(
                f'{type(self).__name__}: interpolation must be one of '
                f'{INTERPOLATIONS} or a non-empty sequence of them, got '
                f'{interpolation!r}')
        self.interpolations = choices
        self.interpolation = choices[0]

    def transform(self, results: dict) -> dict:
        """Draw the interpolation, then apply the op."""
        if len(self.interpolations) > 1:
            self.interpolation = self.interpolations[np.random.randint(
                len(self.interpolations))]
        return super().transform(results)


@TRANSFORMS.register_module()
class RandomInterpolationRotate(RandomInterpolationMixin, Rotate):
    """``Rotate`` whose ``interpolation`` may be a tuple to draw from."""

    # Explicit arguments: RandAugment merges its ``hparams`` (``pad_val``,
    # ``interpolation``) only into arguments it finds in the signature.
    def __init__(self,
                 angle=None,
                 center=None,
                 scale=1.0,
                 pad_val=128,
                 prob=0.5,
                 random_negative_prob=0.5,
                 interpolation='nearest',
                 **kwargs):
        super().__init__(angle, center, scale, pad_val, prob,
                         random_negative_prob, **kwargs)
        self._set_interpolations(interpolation)


@TRANSFORMS.register_module()
class RandomInterpolationShear(RandomInterpolationMixin, Shear):
    """``Shear`` whose ``interpolation`` may be a tuple to draw from."""

    def __init__(self,
                 magnitude=None,
                 pad_val=128,
                 prob=0.5,
                 direction='horizontal',
                 random_negative_prob=0.5,
                 interpolation='bicubic',
                 **kwargs):
        super().__init__(magnitude, pad_val, prob, direction,
                         random_negative_prob, **kwargs)
        self._set_interpolations(interpolation)


@TRANSFORMS.register_module()
class RandomInterpolationTranslate(RandomInterpolationMixin, Translate):
    """``Translate`` whose ``interpolation`` may be a tuple to draw from."""

    def __init__(self,
                 magnitude=None,
                 pad_val=128,
                 prob=0.5,
                 direction='horizontal',
                 random_negative_prob=0.5,
                 interpolation='nearest',
                 **kwargs):
        super().__init__(magnitude, pad_val, prob, direction,
                         random_negative_prob, **kwargs)
        self._set_interpolations(interpolation)
