"""Each config file parsed once per test process (MMEngine parses a config
and its bases in about 0.2 s); every caller gets its own copy."""
import copy
import functools

from mmengine.config import Config


@functools.lru_cache(maxsize=None)
def _parsed(path: str) -> Config:
    return Config.fromfile(path)


def load_config(path: str) -> Config:
    """``Config.fromfile(path)``, parsed once; a deep copy each call."""
    return copy.deepcopy(_parsed(path))
