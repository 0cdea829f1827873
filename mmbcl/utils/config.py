"""Load configs, and point at a mistyped name: a config file's or a
top-level key's."""
import difflib
import os
import os.path as osp

from mmengine.config import Config


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
