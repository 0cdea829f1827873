"""Where the tests find long-tail list files.

``FIXTURES`` ship with the repository (``tests/data/lt_lists``); the full
lists live in ``../shared/data/lt_lists`` beside this project's checkout,
which a user's clone does not have: :func:`full_list` skips the calling
test, with the reason, when they are absent.
"""
import os.path as osp

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
FIXTURES = osp.join(ROOT, 'tests', 'data', 'lt_lists')
FULL_LISTS = osp.normpath(osp.join(ROOT, '..', 'shared', 'data', 'lt_lists'))


def fixture(name: str) -> str:
    """Path of a shipped list fixture."""
    return osp.join(FIXTURES, name)


def full_list(name: str) -> str:
    """Path of a full list file; skips the test where it is absent."""
    path = osp.join(FULL_LISTS, name)
    if not osp.isfile(path):
        pytest.skip(f'{path} is absent: the full list files are not part '
                    'of the repository (the fixtures in tests/data/lt_lists '
                    'cover the same code)')
    return path
