"""Shared pieces of the checkpoint-safety tests."""
import os

import torch


class Planted:
    """An object whose pickle runs a shell command when loaded."""

    def __reduce__(self):
        return (os.system, ('echo planted',))


def save(path, **state):
    """Write a small MMEngine-shaped checkpoint to ``path``."""
    torch.save(dict(state_dict={'w': torch.ones(1)}, **state), path)
    return str(path)
