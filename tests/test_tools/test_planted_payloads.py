"""No file that mmbcl or its documented entry points load runs code.

A payload that writes a marker file is planted in a zip checkpoint, a
legacy-format checkpoint and a results ``.pkl``. Each is tried through
every entry point the README documents (``tools/train.py --resume``, a
config's ``resume=True``, ``load_from`` as a path and as a URL,
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

import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import ResultsFileError
from mmbcl.utils import CheckpointError
from tests.cli import tool_error

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')


class Payload:
    """Unpickling it runs ``touch MARKER``."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return (os.system, (f'touch {self.marker}', ))


@pytest.fixture(scope='module')
def planted(tmp_path_factory):
    """The three planted files, and the marker each would write."""
    root = tmp_path_factory.mktemp('planted')
    marker = str(root / 'MARKER')
    state = dict(state_dict={'w': torch.ones(1)}, meta=Payload(marker))
    torch.save(state, root / 'zip.pth')
    torch.save(state, root / 'legacy.pth',
               _use_new_zipfile_serialization=False)
    with open(root / 'results.pkl', 'wb') as f:
        pickle.dump(dict(gt_labels=Payload(marker)), f)
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
@pytest.mark.parametrize('kind', ['zip', 'legacy'])
@pytest.mark.parametrize('entry', CHECKPOINT_ENTRY_POINTS)
def test_planted_checkpoint_is_refused(planted, tmp_path, monkeypatch, env,
                                       kind, entry):
    root, marker = planted
    if ENVIRONMENTS[env]:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    path = str(root / f'{kind}.pth')
    message = CHECKPOINT_ENTRY_POINTS[entry](path, str(tmp_path))
    assert 'system' in message and 'refuses to unpickle' in message
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
@pytest.mark.parametrize('tool, args', [
    ('plot_per_class', []),
    ('plot_geometry', []),
    ('shot_report', []),
])
def test_planted_results_file_is_refused(planted, tmp_path, monkeypatch,
                                         env, tool, args):
    root, marker = planted
    if ENVIRONMENTS[env]:
        monkeypatch.setenv('TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD', '1')
    message = tool_error(f'tools.analysis_tools.{tool}',
                         str(root / 'results.pkl'), *args)
    assert 'refusing to load global' in message and 'system' in message
    assert not osp.exists(marker)


def test_load_lt_results_refuses_a_planted_file(planted):
    from mmbcl.evaluation import load_lt_results
    root, marker = planted
    with pytest.raises(ResultsFileError, match='refuses to unpickle'):
        load_lt_results(str(root / 'results.pkl'))
    assert not osp.exists(marker)
