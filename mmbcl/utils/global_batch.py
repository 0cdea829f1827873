"""Hold a config's global batch size under any number of processes."""
from mmengine.config import Config


def hold_global_batch(cfg: Config, world_size: int) -> None:
    """Split a config's ``global_batch_size`` over ``world_size`` processes.

    MMEngine's ``train_dataloader.batch_size`` is per process, so a recipe
    launched on twice the processes trains on twice the global batch with
    half the iterations. A config that sets ``global_batch_size`` (the
    demo does) keeps its global batch, iterations and learning rate
    instead: each process takes ``global_batch_size / world_size``.

    Raises:
        ValueError: ``global_batch_size`` is not divisible by
            ``world_size``.
    """
    total = cfg.get('global_batch_size')
    if total is None:
        return
    if not isinstance(total, int) or total <= 0 or total % world_size:
        raise ValueError(
            f'global_batch_size={total!r} must be a positive multiple of the '
            f'number of processes ({world_size}); set it, or '
            'train_dataloader.batch_size with global_batch_size=None, '
            'through --cfg-options')
    cfg.train_dataloader.batch_size = total // world_size
