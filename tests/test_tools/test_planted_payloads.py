"""No file that mmbcl or its documented entry points load runs code.

A payload that writes a marker file is planted in a zip checkpoint, a
legacy-format checkpoint, a checkpoint with a second data record that
torch's reader may take, and a results ``.pkl``; results files whose dtype
state would make NumPy read raw bytes as pointers are planted too. Each is
tried through every entry point the README documents (``tools/train.py
--resume``, a config's ``resume=True``, ``load_from`` as a path and as a URL,
``tools/test.py``, MMEngine's own ``load_checkpoint``, MMPretrain's
``init_model`` and ``ImageClassificationInferencer``, the weight converter
and each analysis tool), with and without
``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1``: the marker never appears and each
attempt ends in one message naming the file. The tools run in-process
(their ``main``), as a user's shell would run them, without a Python start
each.
"""
import functools
import http.server
import os
import os.path as osp
import pickle
import shutil
import threading
import zipfile

import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import ResultsFileError
from mmbcl.utils import CheckpointError
from tests.cli import tool_error

try:  # numpy >= 2
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy 1.x
    from numpy.core.multiarray import _reconstruct

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')


class Payload:
    """Unpickling it runs ``touch MARKER``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


class DTypeState:
    """Pickles as ``numpy.dtype(code)`` with a state that overlays an
    object field on raw bytes (NumPy's constructor refuses that dtype,
    ``numpy.dtype.__setstate__`` does not)."""

    def __init__(self, code):
        self.code = code


class RawArray:
    """Pickles as an array of the overlaid dtype over ``0x41`` bytes: read
    as object pointers, they end the process."""

    def __init__(self, code):
        self.code = code


class OverlayPickler(pickle.Pickler):

    def reducer_override(self, obj):
        if isinstance(obj, DTypeState):
            fields = {'a': (np.dtype('O'), 0), 'b': (np.dtype('<u8'), 0)}
            return (np.dtype, (obj.code, False, True),
                    (3, '|', None, ('a', 'b'), fields, 8, 1, 0))
        if isinstance(obj, RawArray):
            return (_reconstruct, (np.ndarray, (0, ), b'b'),
                    (1, (2, ), DTypeState(obj.code), False, b'\x41' * 16))
        return NotImplemented


def write_dtype_state_results(path, code):
    """The results file that crashed a reader building dtypes from their
    pickled state: it references only ``numpy.dtype``, ``numpy.ndarray``,
    ``_reconstruct`` and ``_codecs.encode``."""
    with open(path, 'wb') as f:
        OverlayPickler(f, protocol=2).dump(
            dict(gt_labels=RawArray(code), pred_labels=RawArray(code)))


#: The planted results files: a global that runs code, and a dtype state
#: that makes NumPy read raw bytes as pointers (as a void dtype, and
#: disguised as a plain one).
RESULTS_FILES = ('results.pkl', 'dtype_state_V8.pkl', 'dtype_state_u8.pkl')


@pytest.fixture(scope='module')
def planted(tmp_path_factory):
    """The three planted files, and the marker each would write."""
    root = tmp_path_factory.mktemp('planted')
    marker = str(root / 'MARKER')
    state = dict(state_dict={'w': torch.ones(1)}, meta=Payload(marker))
    torch.save(state, root / 'zip.pth')
    torch.save(state, root / 'legacy.pth',
               _use_new_zipfile_serialization=False)
    # a real checkpoint plus a second data record that torch's reader,
    # which ignores case, may take instead of the scanned one
    torch.save(dict(state_dict={'w': torch.ones(1)}),
               root / 'second_record.pth')
    with zipfile.ZipFile(root / 'second_record.pth', 'a') as archive:
        folder = archive.namelist()[0].split('/')[0]
        archive.writestr(f'{folder}/DATA.PKL',
                         pickle.dumps(Payload(marker), protocol=2))
    with open(root / 'results.pkl', 'wb') as f:
        pickle.dump(dict(gt_labels=Payload(marker)), f)
    for code in ('V8', 'u8'):
        write_dtype_state_results(root / f'dtype_state_{code}.pkl', code)
    return root, marker


@pytest.fixture(scope='module')
def server(planted):
    """The planted files over HTTP on localhost."""
    root, _ = planted
    handler = functools.partial(
        http.server.SimpleHTTPRequestHandler, directory=str(root))
    handler.log_message = lambda *args: None
    httpd = http.server.ThreadingHTTPServer(('127.0.0.1', 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f'http://127.0.0.1:{httpd.server_address[1]}'
    httpd.shutdown()


def resume_by_config(path, work_dir):
    """``resume=True`` in the config: the planted file is the work dir's
    newest checkpoint."""
    shutil.copy(path, osp.join(work_dir, 'epoch_1.pth'))
    return tool_error('tools.train', DEMO, '--work-dir', work_dir,
                      '--cfg-options', 'resume=True')


def by_api(call):
    with pytest.raises(CheckpointError) as error:
        call()
    return str(error.value)


def init_model(path):
    from mmpretrain.apis import init_model
    return by_api(lambda: init_model(DEMO, path, device='cpu'))


def inferencer(path):
    from mmpretrain import ImageClassificationInferencer
    return by_api(lambda: ImageClassificationInferencer(DEMO,
                                                        pretrained=path))


def mmengine_load(path):
    from mmengine.runner import load_checkpoint
    return by_api(lambda: load_checkpoint(torch.nn.Linear(1, 1), path))


CHECKPOINT_ENTRY_POINTS = {
    'train --resume': lambda p, w: tool_error(
        'tools.train', DEMO, '--work-dir', w, '--resume', p),
    'resume=True in the config': resume_by_config,
    'load_from': lambda p, w: tool_error(
        'tools.train', DEMO, '--work-dir', w, '--cfg-options',
        f'load_from={p}'),
    'tools/test.py': lambda p, w: tool_error(
        'tools.test', DEMO, p, '--work-dir', w),
    'init_model': lambda p, w: init_model(p),
    'ImageClassificationInferencer': lambda p, w: inferencer(p),
    "MMEngine's load_checkpoint": lambda p, w: mmengine_load(p),
    'weight converter': lambda p, w: tool_error(
        'tools.model_converters.bcl_official_to_mmbcl', p,
        osp.join(w, 'out.pth')),
}
ENVIRONMENTS = {'default': None, 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD=1': '1'}


@pytest.mark.parametrize('env', ENVIRONMENTS)
@pytest.mark.parametrize('kind', ['zip', 'legacy', 'second_record'])
@pytest.mark.parametrize('entry', CHECKPOINT_ENTRY_POINTS)
def test_planted_checkpoint_is_refused(planted, tmp_path, monkeypatch, env,
                                       kind, entry):
    root, marker = planted
    if ENVIRONMENTS[env]:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    path = str(root / f'{kind}.pth')
    message = CHECKPOINT_ENTRY_POINTS[entry](path, str(tmp_path))
    if kind == 'second_record':
        assert 'ambiguous records' in message and 'DATA.PKL' in message
    else:
        assert 'system' in message and 'refuses to unpickle' in message
    assert 'weights_only=False' not in message and '\n' not in message
    assert not osp.exists(marker)
    assert not [f for f in os.listdir(tmp_path) if f != 'epoch_1.pth'
                and f.endswith('.pth')]


@pytest.mark.parametrize('env', ENVIRONMENTS)
@pytest.mark.parametrize('kind', ['zip', 'legacy'])
@pytest.mark.parametrize('tool', ['tools.train', 'tools.test'])
def test_planted_checkpoint_url_is_refused(planted, server, tmp_path,
                                           monkeypatch, env, kind, tool):
    """``load_from`` / the test checkpoint as an http:// URL: downloaded,
    then refused before anything unpickles it."""
    root, marker = planted
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch_home'))
    if ENVIRONMENTS[env]:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    url = f'{server}/{kind}.pth'
    common = ['--work-dir', str(tmp_path), '--cfg-options',
              'train_cfg.max_epochs=1', 'train_dataloader.dataset.n_max=40',
              'train_dataloader.dataset.imb_factor=0.1',
              'train_dataloader.num_workers=0']
    if tool == 'tools.train':
        message = tool_error(tool, DEMO, *common, f'load_from={url}')
    else:
        message = tool_error(tool, DEMO, url, *common)
    assert url in message and 'refuses to unpickle' in message
    assert not osp.exists(marker)


@pytest.mark.parametrize('env', ENVIRONMENTS)
@pytest.mark.parametrize('name', RESULTS_FILES)
@pytest.mark.parametrize('tool', ['plot_per_class', 'plot_geometry',
                                  'shot_report'])
def test_planted_results_file_is_refused(planted, tmp_path, monkeypatch,
                                         env, name, tool):
    """Each analysis tool ends in one line; it neither runs the payload
    nor crashes the process."""
    root, marker = planted
    if ENVIRONMENTS[env]:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    message = tool_error(f'tools.visualization.{tool}', str(root / name),
                         '--out', str(tmp_path / 'plot.png')) \
        if tool != 'shot_report' else tool_error(
            f'tools.analysis_tools.{tool}', str(root / name))
    assert name in message and 'refus' in message
    if name == 'results.pkl':
        assert 'refusing to load global' in message and 'system' in message
    assert not osp.exists(marker)


@pytest.mark.parametrize('name', RESULTS_FILES)
def test_load_lt_results_refuses_a_planted_file(planted, name):
    from mmbcl.evaluation import load_lt_results
    root, marker = planted
    with pytest.raises(ResultsFileError, match='refuses to unpickle'):
        load_lt_results(str(root / name))
    assert not osp.exists(marker)
