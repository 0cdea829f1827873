"""Fit a learning-rate schedule to the run's number of epochs."""
from mmengine.config import Config

#: The bounds of an epoch-based parameter scheduler, in epochs.
SCHEDULE_BOUNDS = ('begin', 'end', 'T_max')


def fit_schedule_to_epochs(cfg: Config, written_for: int) -> list:
    """Scale epoch-based ``param_scheduler`` bounds to ``max_epochs``.

    A recipe's warm-up and decay are written for its own
    ``train_cfg.max_epochs``; shortening a run (``--cfg-options
    train_cfg.max_epochs=1``) would leave a scheduler that begins after the
    end (MMEngine: ``end should be larger than begin``). Every epoch-based
    scheduler's ``begin``, ``end``, ``T_max`` and ``milestones`` are scaled
    by ``max_epochs / written_for`` and rounded to whole epochs; a
    scheduler that shrinks to nothing (under half an epoch: a 2-epoch
    warm-up in a 1-epoch run) is dropped. ``tools/train.py`` applies it
    whenever ``max_epochs`` differs from the one the schedule was written
    for (:func:`~mmbcl.utils.config_origin.schedule_written_for`), whether
    a config that inherits the schedule or ``--cfg-options`` set it, and
    prints what it changed.

    Args:
        cfg (Config): The run's config; modified in place.
        written_for (int): The ``max_epochs`` the schedule was written for.

    Returns:
        list[str]: One line per change, for the log.
    """
    max_epochs = cfg.train_cfg.get('max_epochs')
    schedulers = cfg.get('param_scheduler')
    if not max_epochs or not written_for or max_epochs == written_for or \
            not schedulers:
        return []
    single = isinstance(schedulers, dict)
    schedulers = [schedulers] if single else list(schedulers)
    factor = max_epochs / written_for
    kept, notes = [], []
    for index, scheduler in enumerate(schedulers):
        if not scheduler.get('by_epoch', True):
            kept.append(scheduler)
            continue
        scaled = {k: min(max_epochs, round(scheduler[k] * factor))
                  for k in SCHEDULE_BOUNDS if k in scheduler}
        if 'milestones' in scheduler:
            scaled['milestones'] = [round(m * factor)
                                    for m in scheduler['milestones']]
        begin = scaled.get('begin', 0)
        if scaled.get('end', max_epochs) <= begin or begin >= max_epochs \
                or scaled.get('T_max', 1) < 1:
            notes.append(f'param_scheduler[{index}] ({scheduler["type"]}) '
                         'dropped: it shrinks to nothing')
            continue
        notes.append(f'param_scheduler[{index}] ({scheduler["type"]}): ' +
                     ', '.join(f'{k} {scheduler[k]} -> {v}'
                               for k, v in scaled.items()))
        kept.append(dict(scheduler, **scaled))
    cfg.param_scheduler = kept[0] if single and kept else kept
    return [f'train_cfg.max_epochs={max_epochs}, the schedule was written '
            f'for {written_for}: scaled by {factor:g}'] + notes
