"""A config argument that a component does not take, said in one line.

MMEngine builds a component by calling its class with the config dict's
keys; an argument the class does not take ends, deep inside the runner, in
``TypeError: X.__init__() got an unexpected keyword argument 'y'`` after a
few hundred lines of traceback. :func:`explain_build_errors` turns that
into a :class:`~mmbcl.errors.ConfigError` naming the config key path, the
closest argument the class takes and, where the argument was merged in from
a base config, that ``_delete_=True`` replaces the base's dict instead.
"""
import contextlib
import difflib
import inspect
import re
from typing import Iterator, List, Optional, Tuple

from mmengine.registry import DefaultScope

from ..errors import ConfigError
from .config_origin import written_in_file

UNEXPECTED = re.compile(
    r"(\w+)\.__init__\(\) got an unexpected keyword argument '(\w+)'")
#: The loop a ``*_cfg`` dict without ``type`` builds.
DEFAULT_LOOPS = {'val_cfg': 'ValLoop', 'test_cfg': 'TestLoop'}


def accepted_arguments(cls: type) -> Optional[List[str]]:
    """The keyword arguments ``cls(...)`` takes, following ``**kwargs`` up
    the class's bases; None if it takes any (a base takes ``**kwargs``)."""
    names = []
    for klass in cls.__mro__:
        if '__init__' not in vars(klass):
            continue
        if klass is object:
            return names
        parameters = inspect.signature(klass.__init__).parameters.values()
        names += [p.name for p in parameters if p.name != 'self' and p.kind
                  in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if not any(p.kind == p.VAR_KEYWORD for p in parameters):
            return names
    return None


def _registered(name: str) -> Optional[type]:
    """The class registered as ``name`` in any MMPretrain registry."""
    from mmpretrain import registry
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        for attribute in dir(registry):
            found = getattr(registry, attribute)
            if attribute.isupper() and hasattr(found, 'get'):
                try:
                    cls = found.get(name)
                except Exception:
                    cls = None
                if inspect.isclass(cls):
                    return cls
    return None


def _class_of(keys: Tuple, config: dict) -> Optional[type]:
    name = config.get('type')
    if name is None and len(keys) == 1:
        name = DEFAULT_LOOPS.get(keys[0])
        if keys[0] == 'train_cfg':
            name = ('EpochBasedTrainLoop' if config.get('by_epoch', True)
                    else 'IterBasedTrainLoop')
    if isinstance(name, type):
        return name
    return _registered(name) if isinstance(name, str) else None


def _dicts(value, keys=()) -> Iterator[Tuple[Tuple, dict]]:
    """Every dict in a config, with its key path."""
    if isinstance(value, dict):
        if keys:
            yield keys, value
        for key, child in value.items():
            yield from _dicts(child, keys + (key, ))
    elif isinstance(value, (list, tuple)):
        for index, child in enumerate(value):
            yield from _dicts(child, keys + (index, ))


def _path(keys) -> str:
    return ''.join(f'[{k}]' if isinstance(k, int) else f'.{k}'
                   for k in keys).lstrip('.')


def explain(error: BaseException, cfg, config_path: Optional[str] = None
            ) -> Optional[str]:
    """The one-line explanation of a build error, or None if ``error`` is
    not an unexpected-argument error of a dict in ``cfg``."""
    match = UNEXPECTED.search(str(error))
    if match is None:
        return None
    rejecting, argument = match.groups()
    for keys, config in _dicts(cfg.to_dict() if hasattr(cfg, 'to_dict')
                               else cfg):
        cls = _class_of(keys, config) if argument in config else None
        if cls is None or rejecting not in {k.__name__ for k in cls.__mro__}:
            continue
        accepted = accepted_arguments(cls)
        if accepted is None or argument in accepted:
            continue
        where = _path(keys + (argument, ))
        message = f'{where}: {cls.__name__} takes no argument {argument!r}'
        close = difflib.get_close_matches(argument, accepted, n=1,
                                          cutoff=0.6)
        if close:
            message += f'; did you mean {close[0]!r}?'
        if config_path and written_in_file(
                config_path, list(keys) + [argument]) is False:
            # the file writes this dict without the argument: merged in
            message += (f' ({argument!r} comes from a base config: your '
                        f'{_path(keys)} merges into the base\'s; add '
                        '_delete_=True to it to replace the base\'s dict '
                        'instead)')
        return message
    return None


@contextlib.contextmanager
def explain_build_errors(cfg, config_path: Optional[str] = None):
    """Turn an unexpected-argument ``TypeError`` raised while the runner
    builds ``cfg``'s components into a one-line
    :class:`~mmbcl.errors.ConfigError`; any other error passes unchanged.

    Example:
        >>> from mmengine.config import Config
        >>> cfg = Config(dict(train_cfg=dict(max_epoch=10)))
        >>> try:
        ...     with explain_build_errors(cfg):
        ...         raise TypeError('EpochBasedTrainLoop.__init__() got an '
        ...                         "unexpected keyword argument 'max_epoch'")
        ... except ConfigError as error:
        ...     print(error)
        train_cfg.max_epoch: EpochBasedTrainLoop takes no argument \
'max_epoch'; did you mean 'max_epochs'?
    """
    try:
        yield
    except TypeError as error:
        message = explain(error, cfg, config_path)
        if message is None:
            raise
        raise ConfigError(message) from error
