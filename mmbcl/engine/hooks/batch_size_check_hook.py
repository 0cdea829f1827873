"""BatchSizeCheckHook: refuse a training loader a contrastive model
cannot learn from, before the first iteration."""
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmpretrain.registry import HOOKS

from ...errors import ConfigError


def tiny_last_batch(loader) -> int:
    """The size of the loader's last batch (per process) if it is tiny:
    fewer than a quarter of ``batch_size`` images (and not dropped); else
    0.

    Example:
        >>> from torch.utils.data import DataLoader
        >>> tiny_last_batch(DataLoader(range(65), batch_size=16))
        1
        >>> tiny_last_batch(DataLoader(range(65), batch_size=16,
        ...                            drop_last=True))
        0
    """
    batch_size = getattr(loader, 'batch_size', None)
    sampler = getattr(loader, 'sampler', None)
    if getattr(loader, 'drop_last', True) or not batch_size or \
            not hasattr(sampler, '__len__'):
        return 0
    last = len(sampler) % batch_size
    return last if 0 < last < max(2, batch_size // 4) else 0


@HOOKS.register_module()
class BatchSizeCheckHook(Hook):
    """Refuse, before training, a batch a contrastive model cannot use.

    A model that contrasts the images of a batch declares it with a
    ``min_batch_size`` attribute (``BCLClassifier``: 2) and the rows each
    image gives (``views_per_image``). Before training this hook raises
    :class:`~mmbcl.errors.ConfigError`, naming the key to change, when

    * ``train_dataloader.batch_size`` (per process) is below
      ``min_batch_size``;
    * the last batch of every epoch would hold fewer than a quarter of
      ``batch_size`` images per process (and ``drop_last`` is off): its
      BatchNorm statistics go into the model that is validated and saved
      right after.

    Other models pass unchecked. mmbcl's base runtime config adds it to
    ``custom_hooks``.
    """

    priority = 'VERY_HIGH'

    def before_train(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        needed = getattr(model, 'min_batch_size', None)
        if needed is None:
            return
        name = type(model).__name__
        loader = runner.train_dataloader
        batch_size = loader.batch_size
        if batch_size is not None and batch_size < needed:
            raise ConfigError(
                f'train_dataloader.batch_size={batch_size}: {name} '
                f'contrasts the images of a batch and needs at least '
                f'{needed} per batch (per GPU)')
        last = tiny_last_batch(loader)
        if last:
            rows = last * getattr(model, 'views_per_image', 1)
            raise ConfigError(
                f'train_dataloader: the last batch of every epoch would '
                f'hold {last} image(s) per process ({len(loader.sampler)} '
                f'images, batch_size {batch_size}): {name} gives BatchNorm '
                f'and the contrastive loss {rows} rows, and their BatchNorm '
                'statistics go into the model that is validated and saved '
                'right after. Set train_dataloader.drop_last=True (or a '
                'batch_size that leaves a last batch of at least a quarter)')
