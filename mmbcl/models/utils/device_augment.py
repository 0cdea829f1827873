"""BCL's photometric view augmentations, batched on the model's device.

The CPU side of a ``_gpu-aug`` recipe only decodes, crops, flips and packs
uint8 views. ``DeviceAugmentDataPreprocessor`` then applies, per view, the
same MMPretrain transform configs the CPU recipe runs (``ColorJitter``,
``RandomApply``, ``RandomGrayscale``, ``GaussianBlur``, ``RandAugment``,
``AutoAugment`` and their ops) to the whole batch on the device.

Same distribution by construction: every image's parameters are drawn by
the MMPretrain transform objects themselves (their own ``_rand_params``,
``random_disable``, ``random_magnitude``, ``random_negative``, policy
choice), image by image, so each image gets its own ops, order, magnitudes
and interpolation, as on the CPU. Only the pixel work moves: it runs as the
vectorised ops of :mod:`mmbcl.models.utils.batch_ops`, each on the subset of
images that drew it.

Determinism: the draws use NumPy and ``random`` states seeded from the
run's seed, the rank, the iteration and the view (the global states are
restored), so a resumed run draws what the uninterrupted run drew, on any
device.
"""
import math
import random
from collections import defaultdict
from functools import lru_cache, partial
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
from mmengine.dist import get_rank
from mmengine.logging import MessageHub
from mmengine.registry import DefaultScope
from torch import Tensor

from mmpretrain.registry import MODELS, TRANSFORMS
from . import batch_ops as ops
from .data_preprocessor import MultiViewDataPreprocessor, split_views
from .precision import no_autocast

#: One step of one image's plan: a kernel key and its parameter.
Step = Tuple[tuple, float]

_ENHANCE = {
    'Brightness': 'brightness',
    'Contrast': 'contrast',
    'ColorTransform': 'saturation',
    'Sharpness': 'sharpness'
}
_PLAIN = {
    'AutoContrast': 'auto_contrast',
    'Equalize': 'equalize',
    'Invert': 'invert'
}
SUPPORTED = ('ColorJitter', 'RandomApply', 'RandomGrayscale', 'GaussianBlur',
             'RandAugment', 'AutoAugment', 'Rotate', 'Shear', 'Translate',
             'Posterize', 'Solarize', 'SolarizeAdd', *_ENHANCE, *_PLAIN)


def _kind(transform) -> str:
    """The MMPretrain op a transform is (mmbcl's random-interpolation ops
    are their parents)."""
    return _kind_of_type(type(transform))


@lru_cache(maxsize=None)
def _kind_of_type(cls: type) -> str:
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        for name in SUPPORTED:
            if cls is TRANSFORMS.get(name):
                return name
        for name in ('Rotate', 'Shear', 'Translate'):
            if issubclass(cls, TRANSFORMS.get(name)):
                return name
    raise ValueError(
        f'DeviceAugmentDataPreprocessor: {cls.__name__} has no '
        f'device version; supported: {", ".join(SUPPORTED)}')


def _interpolation(op) -> str:
    choices = getattr(op, 'interpolations', (op.interpolation, ))
    if len(choices) == 1:
        return choices[0]
    return choices[np.random.randint(len(choices))]


def _fixed_or_drawn(transform, name: str) -> float:
    """``transform.<name>`` if the config fixes it, else a drawn magnitude
    (how MMPretrain's ops read ``magnitude``, ``bits``, ``thr``, ``angle``
    and ``radius``)."""
    value = getattr(transform, name)
    return value if value is not None else transform.random_magnitude()


def _plan_op(op, kind: str) -> List[Step]:
    """Draw one RandAugment/AutoAugment op for one image, as ``op`` does
    (in the order it draws)."""
    # RandomInterpolation* ops draw their interpolation first
    interpolation = _interpolation(op) if kind in ('Rotate', 'Shear',
                                                   'Translate') else None
    if op.random_disable():
        return []
    if kind in _PLAIN:
        return [((_PLAIN[kind], ), 0.0)]
    if kind in _ENHANCE:
        return [((_ENHANCE[kind], ),
                 1 + op.random_negative(_fixed_or_drawn(op, 'magnitude')))]
    if kind == 'Posterize':
        return [(('posterize', ), math.ceil(_fixed_or_drawn(op, 'bits')))]
    if kind == 'Solarize':
        return [(('solarize', ), _fixed_or_drawn(op, 'thr'))]
    if kind == 'SolarizeAdd':
        return [(('solarize_add', op.thr), _fixed_or_drawn(op, 'magnitude'))]
    pad = tuple(op.pad_val) if isinstance(op.pad_val, Sequence) else \
        (op.pad_val, ) * 3
    if kind == 'Rotate':
        if op.center is not None or op.scale != 1.0:
            raise ValueError('DeviceAugmentDataPreprocessor: Rotate supports '
                             f'center=None and scale=1 only, got {op!r}')
        return [(('rotate', interpolation, pad),
                 op.random_negative(_fixed_or_drawn(op, 'angle')))]
    return [((kind.lower(), op.direction, interpolation, pad),
             op.random_negative(_fixed_or_drawn(op, 'magnitude')))]


def plan(transform) -> List[Step]:
    """Draw what ``transform`` does to one image, as it would draw it."""
    kind = _kind(transform)
    if kind == 'ColorJitter':
        order, *factors = transform._rand_params()
        names = ('brightness', 'contrast', 'saturation', 'hue')
        return [((names[i], ), factors[i]) for i in order
                if factors[i] is not None]
    if kind == 'RandomApply':
        if not transform.random_apply():
            return []
        return [s for t in transform.transforms.transforms for s in plan(t)]
    if kind == 'RandomGrayscale':
        if transform._random_prob() >= transform.prob:
            return []
        # channel_weights are in the image's (BGR) order; ours is RGB
        return [(('grayscale', tuple(transform.channel_weights[::-1])), 0.0)]
    if kind == 'GaussianBlur':
        if transform.random_disable():
            return []
        radius = _fixed_or_drawn(transform, 'radius')
        bound = radius if transform.radius is not None else max(
            max(transform.magnitude_range), radius)
        return [(('gaussian_blur', bound), radius)]
    if kind == 'RandAugment':
        return [
            s for i in transform.random_policy_indices()
            for s in _plan_op(transform.transforms[i], _kind(
                transform.transforms[i]))
        ]
    if kind == 'AutoAugment':
        sub = transform.transforms[transform.random_pipeline_index()]
        return [s for op in sub.transforms for s in _plan_op(op, _kind(op))]
    return _plan_op(transform, kind)


def _check(transform) -> None:
    """Raise if ``transform`` or an op inside it has no device version."""
    kind = _kind(transform)
    if kind == 'RandomApply':
        children = transform.transforms.transforms
    elif kind == 'RandAugment':
        children = transform.transforms
    elif kind == 'AutoAugment':
        children = [
            op for sub in transform.transforms for op in sub.transforms
        ]
    else:
        children = []
    for child in children:
        _check(child)


def kernel(key: tuple, height: int, width: int) -> Callable:
    """The batched op for a plan step's key."""
    name, *args = key
    if name == 'grayscale':
        return lambda x, _: ops.grayscale(x, args[0])
    if name == 'solarize_add':
        return partial(ops.solarize_add, threshold=args[0])
    if name == 'gaussian_blur':
        return partial(ops.gaussian_blur, max_sigma=args[0])
    if name == 'rotate':
        mode, pad = args
        return lambda x, p: ops.affine(
            x, ops.rotate_matrix(p, height, width), pad[::-1], mode)
    if name in ('shear', 'translate'):
        direction, mode, pad = args
        horizontal = direction == 'horizontal'
        if name == 'shear':
            return lambda x, p: ops.affine(
                x, ops.shear_matrix(p, horizontal), pad[::-1], mode)
        size = width if horizontal else height
        return lambda x, p: ops.affine(
            x, ops.translate_matrix(p * size, horizontal), pad[::-1], mode)
    return getattr(ops, name)


class DeviceAugment:
    """One view's photometric transforms, applied to a batch.

    Args:
        transforms (list[dict]): MMPretrain transform configs, as in a CPU
            view pipeline (see ``SUPPORTED``).
    """

    def __init__(self, transforms: Sequence[dict]):
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            self.transforms = [TRANSFORMS.build(t) for t in transforms]
        for t in self.transforms:  # fail at build time, not in training
            _check(t)
        self._kernels: Dict[tuple, Callable] = {}

    def draw(self, batch_size: int, seed: int) -> List[List[Step]]:
        """Every image's plan, drawn from NumPy and ``random`` states seeded
        by ``seed`` (the global states are left as they were)."""
        np_state, py_state = np.random.get_state(), random.getstate()
        np.random.seed(seed)
        random.seed(seed)  # mmcv's RandomGrayscale draws from ``random``
        try:
            return [[s for t in self.transforms for s in plan(t)]
                    for _ in range(batch_size)]
        finally:
            np.random.set_state(np_state)
            random.setstate(py_state)

    def __call__(self, x: Tensor, seed: int) -> Tensor:
        """An augmented copy of ``x`` (``(N, 3, H, W)`` RGB in [0, 255])."""
        return self.augment_(x.float().clone(), seed)

    @torch.no_grad()
    def augment_(self, x: Tensor, seed: int) -> Tensor:
        """Augment the float batch ``x`` in place, in fp32 even inside an
        AMP context (the preprocessor runs in one); returns ``x``."""
        plans = self.draw(x.shape[0], seed)
        with no_autocast(x.device.type):
            return self._apply(x, plans)

    def _apply(self, x: Tensor, plans: List[List[Step]]) -> Tensor:
        for k in range(max(map(len, plans), default=0)):
            groups = defaultdict(lambda: ([], []))
            for i, steps in enumerate(plans):
                if k < len(steps):
                    key, param = steps[k]
                    groups[key][0].append(i)
                    groups[key][1].append(float(param))
            index = torch.tensor([i for g in groups.values() for i in g[0]])
            params = torch.tensor([p for g in groups.values() for p in g[1]])
            index = index.to(x.device, non_blocking=True)
            params = params.to(x.device, non_blocking=True)
            sizes = [len(g[0]) for g in groups.values()]
            for key, idx, param in zip(groups, index.split(sizes),
                                       params.split(sizes)):
                cached = key + tuple(x.shape[2:])
                if cached not in self._kernels:
                    self._kernels[cached] = kernel(key, *x.shape[2:])
                x[idx] = self._kernels[cached](x[idx], param)
        return x


@MODELS.register_module()
class DeviceAugmentDataPreprocessor(MultiViewDataPreprocessor):
    """``MultiViewDataPreprocessor`` that first augments each training view
    on the device.

    Training batches: each view (uint8 from the CPU pipeline, packed by
    ``PackInputs`` or, with ``hwc_inputs``, ``PackHWCInputs``) is moved to
    the device, augmented by its ``view_augments`` entry (reading the
    channels as BGR, as mmcv's ops do on the CPU), converted to RGB if
    ``to_rgb``, then normalised. Validation and test batches, and
    ``view_augments=None``, are handled as by ``MultiViewDataPreprocessor``
    (their pipelines pack with ``PackInputs``).

    Args:
        view_augments (list[list[dict]], optional): Per view, in the order
            of the ``MultiView`` views, the MMPretrain transform configs to
            run on the device (an empty list: none).
        seed (int, optional): Seed of the draws; None uses the run's seed
            (``torch.initial_seed()``, set by MMEngine's ``randomness``).
        hwc_inputs (bool): Training views come channels-last, ``(B, H, W,
            C)``, as ``PackHWCInputs`` packs them; they are permuted on the
            device. Defaults to False (``PackInputs``' ``(B, C, H, W)``).
        **kwargs: Arguments of ``MultiViewDataPreprocessor``.

    Example:
        >>> pre = MODELS.build(dict(
        ...     type='DeviceAugmentDataPreprocessor', to_rgb=True,
        ...     mean=[0, 0, 0], std=[255, 255, 255],
        ...     view_augments=[[dict(type='RandomGrayscale', prob=1.0,
        ...                          keep_channels=True)]]))
        >>> views = [torch.randint(0, 256, (2, 3, 8, 8), dtype=torch.uint8)]
        >>> out = pre(dict(inputs=views, data_samples=None), training=True)
        >>> bool((out['inputs'][0][:, 0] == out['inputs'][0][:, 1]).all())
        True
    """

    def __init__(self,
                 view_augments: Optional[Sequence[Sequence[dict]]] = None,
                 seed: Optional[int] = None,
                 hwc_inputs: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.hwc_inputs = hwc_inputs
        if view_augments is not None and (
                isinstance(view_augments, dict) or not all(
                    isinstance(v, (list, tuple)) for v in view_augments)):
            raise ValueError(
                'DeviceAugmentDataPreprocessor: view_augments must be a list '
                'with one list of transform configs per view, got '
                f'{view_augments!r}')
        self.view_augments = None if view_augments is None else [
            DeviceAugment(v) for v in view_augments
        ]
        self.seed = seed
        self._calls = 0

    def draw_seed(self, view: int) -> int:
        """The seed of a view's draws at this iteration."""
        iteration = MessageHub.get_current_instance().get_info('iter')
        if iteration is None:  # outside a Runner: count the batches
            iteration = self._calls
        base = self.seed if self.seed is not None else torch.initial_seed()
        return int(
            np.random.SeedSequence([base % 2**63, get_rank(), iteration,
                                    view]).generate_state(1)[0])

    def _channels_first(self, x: Tensor) -> Tensor:
        """``(B, C, H, W)``, checking the layout ``hwc_inputs`` promises."""
        channels = x.shape[-1] if self.hwc_inputs else x.shape[1]
        if x.dim() != 4 or channels != 3:
            layout = '(B, H, W, 3)' if self.hwc_inputs else '(B, 3, H, W)'
            hint = ('PackHWCInputs packs (H, W, 3); PackInputs (3, H, W): '
                    'hwc_inputs must match the pipeline\'s packing')
            raise ValueError(
                f'DeviceAugmentDataPreprocessor: a training view of shape '
                f'{tuple(x.shape)} is not {layout}. {hint}')
        return x.permute(0, 3, 1, 2) if self.hwc_inputs else x

    def forward(self, data: dict, training: bool = False) -> dict:
        """Augment (training) and normalise each view."""
        views = split_views(data['inputs'])
        if not training or views is None or self.view_augments is None:
            return super().forward(data, training)
        if len(views) != len(self.view_augments):
            raise ValueError(
                f'DeviceAugmentDataPreprocessor: the batch has {len(views)} '
                f'views, view_augments configures {len(self.view_augments)}')
        outputs = []
        for v, (view, augment) in enumerate(zip(views, self.view_augments)):
            if isinstance(view, (list, tuple)):
                view = torch.stack(list(view))
            x = self._channels_first(self.cast_data(view))
            # mmcv's ops read the loaded channels as BGR, whatever they
            # are; the device ops work in RGB, on the same reading.
            x = augment.augment_(x.float().flip(1), self.draw_seed(v))
            if not self.to_rgb:
                x = x.flip(1)
            if self._enable_normalize:
                x = (x - self.mean) / self.std
            outputs.append(x)
        self._calls += 1
        return dict(
            inputs=outputs,
            data_samples=self.cast_data(data.get('data_samples')))
