"""Suite-wide pytest set-up: ``@pytest.mark.cuda`` tests need a GPU."""
import pytest
import torch


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(
        reason='needs CUDA (a GPU); run with `python -m pytest -m cuda '
        'tests` on a GPU machine')
    for item in items:
        if 'cuda' in item.keywords:
            item.add_marker(skip)
