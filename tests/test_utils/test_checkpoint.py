import os
import pickle

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import mmbcl  # noqa: F401
from mmbcl.utils.checkpoint import history_buffer_getattr


class Planted:
    def __reduce__(self):
        return (os.system, ('echo planted',))


def test_mmengine_state_loads_weights_only(tmp_path):
    hub = MessageHub('ckpt_test')
    hub.update_scalar('train/loss', np.float64(0.5))
    hub.update_scalar('train/lr', 0.1)
    state = dict(
        meta=dict(epoch=1, class_counts=[5, 3], seed=np.int64(3),
                  arr=np.arange(4, dtype=np.int32)),
        message_hub=hub.state_dict(),
        state_dict={'w': torch.ones(2)})
    path = tmp_path / 'ok.pth'
    torch.save(state, path)
    loaded = torch.load(path, weights_only=True)
    buffer = loaded['message_hub']['log_scalars']['train/loss']
    assert isinstance(buffer, HistoryBuffer)
    assert buffer.current() == 0.5


def test_planted_global_is_refused(tmp_path):
    path = tmp_path / 'planted.pth'
    torch.save({'state_dict': {}, 'meta': Planted()}, path)
    with pytest.raises(pickle.UnpicklingError, match='posix.system|os.system'):
        torch.load(path, weights_only=True)


def test_restricted_getattr():
    assert history_buffer_getattr(HistoryBuffer, 'mean') is HistoryBuffer.mean
    with pytest.raises(pickle.UnpicklingError, match='refusing getattr'):
        history_buffer_getattr(HistoryBuffer, '__init__')
    with pytest.raises(pickle.UnpicklingError, match='refusing getattr'):
        history_buffer_getattr(os, 'system')
