"""Load configs with a helpful message for a mistyped name."""
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
