"""The ``>>>`` examples in mmbcl's docstrings run and print what they say."""
import doctest
import importlib
import pkgutil

import pytest

import mmbcl

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(mmbcl.__path__, 'mmbcl.'))


@pytest.mark.parametrize('name', MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0
