import os
import pickle
import zipfile

import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer, MessageHub

import mmbcl  # noqa: F401
from mmbcl.utils.checkpoint import (CheckpointError, check_checkpoint,
                                    is_complete_checkpoint)
from mmbcl.utils.checkpoint.safe_load import history_buffer_getattr

from .planted import Planted, save


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


def test_check_checkpoint_accepts_an_mmengine_checkpoint(tmp_path):
    hub = MessageHub('ckpt_check_test')
    hub.update_scalar('train/loss', np.float64(0.5))
    check_checkpoint(save(tmp_path / 'epoch_1.pth', meta=dict(epoch=1),
                          message_hub=hub.state_dict()))


@pytest.mark.parametrize('content, match', [
    (np.random.RandomState(0).bytes(100),
     r"'.*x.pth' \(100 bytes\) is not a complete checkpoint"),
    (b'hello\n', r'\(6 bytes\) is not a complete checkpoint'),
    (b'', r'\(0 bytes\) is not a complete checkpoint'),
], ids=['random bytes', 'text', 'empty'])
def test_check_checkpoint_refuses_other_files(tmp_path, content, match):
    path = tmp_path / 'x.pth'
    path.write_bytes(content)
    with pytest.raises(ValueError, match=match) as error:
        check_checkpoint(str(path), 'here')
    assert 'weights_only' not in str(error.value)
    assert str(error.value).startswith('here: ')


def test_check_checkpoint_refuses_a_zip_that_is_not_one(tmp_path):
    path = tmp_path / 'x.pth'
    with zipfile.ZipFile(path, 'w') as archive:
        archive.writestr('readme.txt', 'not a checkpoint')
    with pytest.raises(ValueError, match='is not a complete checkpoint'):
        check_checkpoint(str(path))


def test_check_checkpoint_refuses_planted_globals(tmp_path):
    path = tmp_path / 'planted.pth'
    torch.save({'state_dict': {}, 'meta': Planted()}, path)
    with pytest.raises(ValueError, match=r'(posix|os)\.system') as error:
        check_checkpoint(str(path))
    assert 'weights_only' not in str(error.value)


def test_check_checkpoint_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError, match="'nope.pth' does not exist"):
        check_checkpoint('nope.pth')


def test_check_checkpoint_accepts_the_legacy_format(tmp_path):
    path = tmp_path / 'old.pth'
    torch.save({'state_dict': {'w': torch.ones(1)}}, path,
               _use_new_zipfile_serialization=False)
    check_checkpoint(str(path))
    assert is_complete_checkpoint(str(path))
    assert torch.load(path, weights_only=True)['state_dict']['w'] == 1


def test_check_checkpoint_scans_the_legacy_format(tmp_path):
    """A legacy-format file's pickles are scanned too (before, it passed
    unscanned and MMEngine's loader ran its payload)."""
    path = tmp_path / 'old.pth'
    torch.save({'state_dict': {'w': torch.ones(1)}, 'meta': Planted()}, path,
               _use_new_zipfile_serialization=False)
    with pytest.raises(CheckpointError, match=r'(posix|os)\.system'):
        check_checkpoint(str(path))
