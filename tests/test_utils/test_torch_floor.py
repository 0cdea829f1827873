"""The torch floor: one number, stated in requirements/ and checked by
``import mmbcl``."""
import importlib.util
import os.path as osp
import re

import pytest
import torch

import mmbcl

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def requirement(name):
    with open(osp.join(ROOT, 'requirements', 'runtime.txt')) as f:
        for line in f:
            match = re.match(rf'{name}>=([\d.]+)', line.split('#')[0].strip())
            if match:
                return match.group(1)
    raise AssertionError(f'no {name}>= line in requirements/runtime.txt')


def test_requirements_floor_is_the_checked_floor():
    assert requirement('torch') == mmbcl.TORCH_MINIMUM
    with open(osp.join(ROOT, 'README.md')) as f:
        assert f'torch >= {mmbcl.TORCH_MINIMUM}' in f.read()


def import_mmbcl_init():
    """Run ``mmbcl/__init__.py`` afresh (its check comes before anything
    is registered)."""
    spec = importlib.util.spec_from_file_location(
        'mmbcl', osp.join(ROOT, 'mmbcl', '__init__.py'))
    module = importlib.util.module_from_spec(spec)
    module.__package__ = 'mmbcl'
    spec.loader.exec_module(module)


@pytest.mark.parametrize('version', ['2.5.1', '2.1.0', '1.13.1'])
def test_import_refuses_an_older_torch(monkeypatch, version):
    monkeypatch.setattr(torch, '__version__',
                        torch.torch_version.TorchVersion(version))
    with pytest.raises(ImportError) as error:
        import_mmbcl_init()
    message = str(error.value)
    assert f'torch >= {mmbcl.TORCH_MINIMUM}' in message
    assert f'torch {version} is installed' in message
    assert message.count('. ') == 0  # one sentence
