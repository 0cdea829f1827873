"""Where a config value comes from: the file itself, or one of its bases.

MMEngine merges a config's ``_base_`` files into one dict and keeps no
record of which file wrote which key. The tools need that record twice: to
say that an argument a build rejects was inherited (and that
``_delete_=True`` replaces a base's dict instead of merging into it), and to
know the ``max_epochs`` a learning-rate schedule was written for. This
module reads it from the files' own text (their syntax tree; nothing is
executed).
"""
import ast
import os.path as osp
from typing import List, Optional, Sequence

from mmengine.config import Config


def base_files(path: str) -> List[str]:
    """The resolved paths of ``path``'s ``_base_`` files, in order
    (``mmpretrain::`` bases included)."""
    found = []
    for base in Config._get_base_files(path):
        try:
            found.append(Config._get_cfg_path(base, path)[0])
        except Exception:  # an uninstalled package: MMEngine says so later
            continue
    return found


def own_assignments(path: str) -> dict:
    """The top-level assignments written in ``path`` itself, as syntax
    nodes: ``{'train_cfg': <ast.Call dict(...)>, ...}``."""
    with open(path, encoding='utf-8') as f:
        tree = ast.parse(f.read(), filename=path)
    found = {}
    for statement in tree.body:
        if isinstance(statement, ast.Assign):
            for target in statement.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = statement.value
    return found


def _keywords(node) -> Optional[dict]:
    """The keys of a ``dict(...)`` call or a ``{...}`` literal, as nodes."""
    if isinstance(node, ast.Call) and getattr(node.func, 'id', '') == 'dict':
        return {k.arg: k.value for k in node.keywords if k.arg}
    if isinstance(node, ast.Dict):
        return {k.value: v for k, v in zip(node.keys, node.values)
                if isinstance(k, ast.Constant)}
    return None


def written_in_file(path: str, keys: Sequence) -> Optional[bool]:
    """Whether ``path`` itself writes the config value at ``keys``
    (``['train_dataloader', 'dataset', 'split']``; list positions as ints).

    Returns:
        True if the file writes it; False if the file writes the dict that
        holds it but not the key (the key was merged in from a base); None
        if the file does not write the dict that holds it.
    """
    node = own_assignments(path).get(keys[0])
    for depth, key in enumerate(keys[1:], 1):
        if node is None:
            return None
        if isinstance(key, int):
            items = node.elts if isinstance(node, (ast.List, ast.Tuple)) \
                else None
            node = items[key] if items is not None and key < len(items) \
                else None
            continue
        fields = _keywords(node)
        if fields is None:
            return None
        if key not in fields:
            return False if depth == len(keys) - 1 else None
        node = fields[key]
    return node is not None


def _max_epochs(cfg) -> Optional[int]:
    train_cfg = cfg.get('train_cfg') or {}
    return train_cfg.get('max_epochs')


def schedule_written_for(path: str) -> Optional[int]:
    """The ``train_cfg.max_epochs`` that the config's ``param_scheduler``
    was written for: that of the file that writes the schedule (the config
    itself, or the base it inherits the schedule from).

    A config that inherits a 20-epoch schedule and sets ``max_epochs=3``
    returns 20; one that writes its own schedule returns its own
    ``max_epochs``.
    """
    path = osp.abspath(path)
    if 'param_scheduler' in own_assignments(path):
        return _max_epochs(Config.fromfile(path))
    for base in reversed(base_files(path)):
        if 'param_scheduler' in Config.fromfile(base):
            return schedule_written_for(base)
    return None
