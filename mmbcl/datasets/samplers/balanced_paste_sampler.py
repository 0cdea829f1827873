"""BalancedPasteSampler: each image's paste partner and CutMix plan."""
from typing import Iterator, Optional, Tuple

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from torch.utils.data import Sampler

from mmpretrain.registry import DATA_SAMPLERS

from .base import index_by_class

#: Entries of a CutMix plan: paste or not (1 / 0), lambda ~ Beta(1, 1), and
#: the box centre as fractions of the height and width.
PLAN_FIELDS = ('paste', 'lam', 'centre_y', 'centre_x')
#: Where a paste class is drawn from: weight of class c, images N_c.
PASTE_CLASSES = ('balanced', 'reversed', 'instance')
#: Mixed into the paste stream's seed, so it differs from the inner
#: sampler's stream drawn from the same (seed, epoch).
_STREAM = 0xC0C0


@DATA_SAMPLERS.register_module()
class BalancedPasteSampler(Sampler):
    """Pairs each sampled image with a class-balanced paste image (ConCutMix).

    Wraps the training sampler (``sampler``, ``DefaultSampler`` by
    default): the images it yields are the batch's, as without ConCutMix.
    Beside each it draws the image to paste into it, class-balanced (a
    class uniformly, then an image of that class uniformly), and that
    image's CutMix plan (paste or not with ``cutmix_prob``; lambda from
    Beta(1, 1); the box centre uniform). It yields keys ``(index,
    paste_index, paste, lam, centre_y, centre_x)`` that
    :class:`~mmbcl.datasets.BalancedPasteDataset` reads; the data
    preprocessor pastes with the plan of each batch's first image, so a
    batch is pasted with probability ``cutmix_prob``, every image with the
    same box, as in ConCutMix's ``main.py``.

    The paste draws of an epoch come from ``(seed, epoch)`` alone and are
    dealt out to the ranks as ``DefaultSampler`` deals its order: each
    rank's draws are disjoint positions of one global sequence, the same
    seed gives the same draws on any number of processes, and a resumed
    run repeats them.

    Args:
        dataset: The training dataset (``BalancedPasteDataset``).
        sampler (dict): The sampler of the batch's own images. Defaults to
            ``dict(type='DefaultSampler', shuffle=True)``.
        cutmix_prob (float): Chance that a batch is pasted. Defaults to 0.5
            (ConCutMix's ``--cutmix_prob``).
        paste_classes (str): Class weights of the paste draw: ``'balanced'``
            (uniform over classes with images; ConCutMix's
            ``Foreground_sampler='balance'``), ``'reversed'`` (``max N /
            N_c``, its ``'reverse'``) or ``'instance'`` (``N_c``: every
            image alike). Defaults to ``'balanced'``.
        seed (int, optional): Shared seed; None syncs a random one across
            ranks, as ``DefaultSampler`` does.

    In a config (with the dataset wrapped in ``BalancedPasteDataset``)::

        train_dataloader = dict(
            sampler=dict(type='BalancedPasteSampler', cutmix_prob=0.5,
                         sampler=dict(type='DefaultSampler', shuffle=True)))
    """

    def __init__(self,
                 dataset,
                 sampler: dict = dict(type='DefaultSampler', shuffle=True),
                 cutmix_prob: float = 0.5,
                 paste_classes: str = 'balanced',
                 seed: Optional[int] = None):
        if not 0 <= cutmix_prob <= 1:
            raise ValueError('BalancedPasteSampler: cutmix_prob must be in '
                             f'[0, 1], got {cutmix_prob!r}')
        if paste_classes not in PASTE_CLASSES:
            raise ValueError(
                'BalancedPasteSampler: paste_classes must be one of '
                f'{PASTE_CLASSES}, got {paste_classes!r}')
        if not hasattr(dataset, 'paste_pipeline'):
            raise TypeError(
                'BalancedPasteSampler: the training dataset must be wrapped '
                "in dict(type='BalancedPasteDataset', dataset=...), got "
                f'{type(dataset).__name__}')
        self.rank, self.world_size = get_dist_info()
        self.seed = sync_random_seed() if seed is None else seed
        self.sampler = DATA_SAMPLERS.build(
            sampler, default_args=dict(dataset=dataset, seed=self.seed))
        self.cutmix_prob = cutmix_prob
        self.paste_classes = paste_classes
        # the images of class c are by_class[starts[c]:][:counts[c]]
        _, counts, self.by_class, self.starts = index_by_class(dataset)
        self.counts = counts
        weight = dict(
            balanced=(counts > 0).astype(np.float64),
            reversed=np.where(counts > 0, counts.max() / np.maximum(counts, 1),
                              0.0),
            instance=counts.astype(np.float64))[paste_classes]
        self.class_probs = weight / weight.sum()
        self.num_samples = len(self.sampler)
        self.total_size = self.num_samples * self.world_size
        self.epoch = 0

    def __getattr__(self, name):
        # The batch's own images follow the inner sampler: its class
        # frequencies (the label prior ClassCountsHook gives logit
        # adjustment) are this sampler's, where it has them.
        inner = self.__dict__.get('sampler')
        if name == 'class_frequencies' and inner is not None:
            return getattr(inner, name)
        raise AttributeError(
            f'{type(self).__name__!r} object has no attribute {name!r}')

    def paste_draws(self, epoch: int) -> Tuple[np.ndarray, np.ndarray]:
        """This rank's paste indices ``(n,)`` and plans ``(n, 4)`` of
        ``epoch`` (see ``PLAN_FIELDS``): positions ``rank::world_size`` of
        the epoch's global sequence."""
        rng = np.random.default_rng([self.seed % 2**32, epoch, _STREAM])
        size = self.total_size
        classes = rng.choice(len(self.counts), size=size, p=self.class_probs)
        within = np.floor(rng.random(size) * self.counts[classes]).astype(
            np.int64)
        indices = self.by_class[self.starts[classes] + within]
        plans = np.stack([
            (rng.random(size) < self.cutmix_prob).astype(np.float64),
            rng.beta(1.0, 1.0, size),
            rng.random(size),
            rng.random(size),
        ], axis=1)
        part = slice(self.rank, size, self.world_size)
        return indices[part], plans[part]

    def __iter__(self) -> Iterator[tuple]:
        indices, plans = self.paste_draws(self.epoch)
        for index, paste_index, plan in zip(self.sampler, indices.tolist(),
                                            plans.tolist()):
            yield (index, paste_index, *plan)

    def __len__(self) -> int:
        return self.num_samples

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch of the paste draws and of the inner sampler."""
        self.epoch = epoch
        if hasattr(self.sampler, 'set_epoch'):
            self.sampler.set_epoch(epoch)


__all__ = ['BalancedPasteSampler', 'PLAN_FIELDS']
