"""Load configs with a helpful message for a mistyped name; hold a
config's global batch size under any number of processes."""
import difflib
import os
import os.path as osp

from mmengine.config import Config


class ConfigError(ValueError):
    """A config mmbcl cannot run as it is; the message names the key to
    change. Raised before training starts; tools print it as one line."""


def load_config(path: str) -> Config:
    """``Config.fromfile`` that names the closest existing configs.

    Raises:
        FileNotFoundError: ``path`` does not exist; the message lists the
            configs of its folder whose names are closest (a mistyped view
            variant such as ``resnext50_imagenet_lt_sim-sim.py``, say).
    """
    if not osp.isfile(path):
        folder = osp.dirname(path) or '.'
        names = sorted(f for f in os.listdir(folder)
                       if f.endswith('.py')) if osp.isdir(folder) else []
        close = difflib.get_close_matches(
            osp.basename(path), names, n=5, cutoff=0.5)
        hint = (f'; did you mean {", ".join(close)}?' if close else
                f'; {folder} has {", ".join(names) or "no configs"}')
        raise FileNotFoundError(f'config {path!r} does not exist{hint}')
    return Config.fromfile(path)


def launched_world_size(launcher: str) -> int:
    """The number of processes the launcher started (1 without one)."""
    variable = dict(pytorch='WORLD_SIZE', slurm='SLURM_NTASKS',
                    mpi='OMPI_COMM_WORLD_SIZE').get(launcher)
    return int(os.environ.get(variable, 1)) if variable else 1


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
    when ``--cfg-options`` changes ``train_cfg.max_epochs``, and prints
    what it changed.

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


def runner_keys() -> set:
    """The top-level config keys MMEngine's ``Runner.from_cfg`` reads (read
    from its source, so a newer MMEngine's keys are known too), plus those
    MMEngine's config system, its DDP wrapper and mmbcl read."""
    import inspect
    import re

    from mmengine.runner import Runner
    source = inspect.getsource(Runner.from_cfg)
    found = set(re.findall(r"cfg(?:\.get)?\(?\[?'(\w+)'", source))
    return found | {
        '_base_', 'custom_imports', 'model_wrapper_cfg',
        'find_unused_parameters', 'global_batch_size'
    }


def misspelt_keys(cfg: Config) -> list:
    """Top-level keys that nothing reads and that look like a key
    something does read, with that key: ``[('train_dataloder',
    'train_dataloader')]``.

    A config's helper variables (``train_pipeline``, ``data_root``, ...)
    are read by nobody either, but do not resemble a runner key, so they
    are not reported.
    """
    known = runner_keys()
    found = []
    for key in cfg.keys():
        if key in known:
            continue
        close = difflib.get_close_matches(key, sorted(known), n=1,
                                          cutoff=0.85)
        if close:
            found.append((key, close[0]))
    return found


def warn_misspelt_keys(cfg: Config) -> None:
    """Print a warning naming each of :func:`misspelt_keys` and the key it
    resembles: MMEngine silently ignores a key it does not read."""
    for key, known in misspelt_keys(cfg):
        print(f'warning: config key {key!r} is read by nothing; did you '
              f'mean {known!r}?', flush=True)
