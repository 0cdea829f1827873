"""The package's layers import downwards only, each subsystem lives in one
place, and no import hides inside a function to dodge a cycle."""
import ast
import glob
import os.path as osp

from tests.conftest import ROOT

PACKAGE = osp.join(ROOT, 'mmbcl')


def modules():
    for path in sorted(glob.glob(osp.join(PACKAGE, '**', '*.py'),
                                 recursive=True)):
        name = osp.relpath(path, ROOT)[:-len('.py')].replace(osp.sep, '.')
        with open(path) as f:
            yield name, ast.parse(f.read())


def imported(name, tree):
    """(mmbcl module imported, at module level?) for each import."""
    package = name.rsplit('.', 1)[0] if not name.endswith('__init__') \
        else name[:-len('.__init__')]
    top_level = set(map(id, tree.body))
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split('.')
                base = base[:len(base) - node.level + 1]
                target = '.'.join(base + ([node.module] if node.module
                                          else []))
            else:
                target = node.module or ''
            if target.startswith('mmbcl'):
                yield target, id(node) in top_level


def test_the_import_reader_sees_relative_imports():
    found = dict(modules())
    name = 'mmbcl.models.utils.device_augment'
    targets = {t for t, _ in imported(name, found[name])}
    assert 'mmbcl.structures.augment_plan' in targets


def test_models_never_import_the_data_pipeline():
    for name, tree in modules():
        if name.startswith('mmbcl.models'):
            for target, _ in imported(name, tree):
                assert not target.startswith('mmbcl.datasets'), (name, target)


def test_no_function_level_import_of_mmbcl():
    for name, tree in modules():
        for target, at_top in imported(name, tree):
            assert at_top, f'{name} imports {target} inside a function'


def test_checkpoint_safety_is_one_subpackage():
    assert not glob.glob(osp.join(PACKAGE, 'utils', '*checkpoint*.py'))
    assert not glob.glob(osp.join(PACKAGE, 'utils', 'pickle_scan.py'))
