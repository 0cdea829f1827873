"""The analysis tools on a small results file."""
import os.path as osp

import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import load_lt_results
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample
from tests.cli import call_tool, tool_error

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
TOOLS = osp.join(ROOT, 'tools', 'analysis_tools')
COUNTS = [300, 120, 60, 25, 10, 4]
PNG_MAGIC = b'\x89PNG\r\n\x1a\n'


def write_results(path, accuracy, seed=0, classes=None):
    """A results file as tools/test.py --out writes it."""
    rng = np.random.RandomState(seed)
    metric = METRICS.build(
        dict(type='DumpLTResults', out_file_path=str(path)))
    if classes is not None:
        metric.dataset_meta = dict(classes=classes)
    metric.set_class_counts(COUNTS)
    batch = []
    for label in range(len(COUNTS)):
        for i in range(10):
            correct = i < 10 * accuracy[label]
            pred = label if correct else (label + 1) % len(COUNTS)
            sample = DataSample().set_gt_label(label).set_pred_label(pred)
            sample.set_field(
                torch.tensor(rng.randn(8) + label), 'contrast_feat')
            batch.append(sample.to_dict())
    metric.process(None, batch)
    metric.evaluate(len(batch))
    return str(path)


def run(tool, *args):
    """``python tools/<folder>/<tool> *args`` (in-process, the plots from
    ``tools/visualization``); what it printed."""
    import contextlib
    import io
    out = io.StringIO()
    folder = 'visualization' if tool.startswith('plot_') else 'analysis_tools'
    with contextlib.redirect_stdout(out):
        call_tool(f'tools.{folder}.{tool[:-len(".py")]}', *args)
    return out.getvalue()


def assert_png(path, min_size=(300, 200)):
    with open(path, 'rb') as f:
        assert f.read(8) == PNG_MAGIC
    import matplotlib.image
    height, width = matplotlib.image.imread(path).shape[:2]
    assert width >= min_size[0] and height >= min_size[1]


@pytest.fixture
def results(tmp_path):
    return write_results(tmp_path / 'bcl.npz', [1, 0.9, 0.8, 0.7, 0.6, 0.5])


def test_results_file(results):
    data = load_lt_results(results)
    assert data['class_counts'] == COUNTS
    assert data['gt_labels'].shape == data['pred_labels'].shape == (60, )
    assert data['class_feature_means'].shape == (6, 8)


def test_plot_per_class(results, tmp_path):
    out = str(tmp_path / 'acc.png')
    run('plot_per_class.py', results, '--out', out)
    assert_png(out)


def test_plot_per_class_labels_each_class(tmp_path, monkeypatch):
    """Each point carries its class's name (from the dataset's metainfo,
    kept in the results file), so a class at 0 % can be told apart."""
    import importlib
    names = ['cat', 'dog', 'owl', 'eel', 'yak', 'emu']
    path = write_results(tmp_path / 'named.npz', [1, 1, .5, .5, 0, 0],
                         classes=names)
    assert load_lt_results(path)['classes'] == names
    plot_per_class = importlib.import_module(
        'tools.visualization.plot_per_class')
    written = []
    real = plot_per_class.label_classes
    monkeypatch.setattr(
        plot_per_class, 'label_classes',
        lambda ax, *args: written.append(args[-1]) or real(ax, *args))
    out = str(tmp_path / 'named.png')
    run('plot_per_class.py', path, '--out', out)
    assert written == [names]
    assert_png(out)


def test_plot_geometry(results, tmp_path):
    out = str(tmp_path / 'geo.png')
    stdout = run('plot_geometry.py', results, '--out', out)
    assert 'cos_dev' in stdout
    assert_png(out)


def test_shot_report(results, tmp_path):
    ce = write_results(tmp_path / 'ce.npz', [1, 1, 0.5, 0.3, 0.1, 0.0])
    table = run('shot_report.py', results, ce, '--names', 'BCL', 'CE')
    lines = table.strip().splitlines()
    assert lines[0] == '| model | overall | many | medium | few |'
    # BCL: many (300, 120) 95.00, medium (60, 25) 75.00, few (10, 4) 55.00
    assert lines[2] == '| BCL | 75.00 | 95.00 | 75.00 | 55.00 |'
    assert lines[3] == '| CE | 48.33 | 100.00 | 40.00 | 5.00 |'


@pytest.mark.parametrize('content', [
    b'\x80\x04\x95\x0b\x00\x00\x00\x00\x00\x00\x00]\x94(K\x01K\x02e.',
    b'not a results file', b'PK\x03\x04 cut off'])
def test_not_a_results_file(tmp_path, content):
    bad = tmp_path / 'bad.npz'
    bad.write_bytes(content)
    message = tool_error('tools.analysis_tools.shot_report', str(bad))
    assert 'expected a results file of mmbcl' in message


def test_an_npz_of_other_arrays_is_not_a_results_file(tmp_path):
    bad = str(tmp_path / 'other.npz')
    np.savez(bad, gt_labels=np.zeros(3, dtype=np.int64))
    message = tool_error('tools.analysis_tools.shot_report', bad)
    assert 'no mmbcl results record' in message


def test_an_older_pickled_results_file_is_read(tmp_path):
    """A results file in the older pickled form (a dict of numpy arrays)
    reads as the same results, with a line saying how to rewrite it."""
    import pickle
    data = load_lt_results(write_results(tmp_path / 'bcl.npz',
                                         [1, 0.9, 0.8, 0.7, 0.6, 0.5]))
    for protocol in (2, 4, 5):
        path = tmp_path / f'old{protocol}.pkl'
        path.write_bytes(pickle.dumps(data, protocol=protocol))
        old = load_lt_results(str(path))
        assert old['class_counts'] == COUNTS
        assert old['feature_key'] == 'contrast_feat'
        for key in ('gt_labels', 'pred_labels', 'class_feature_means'):
            np.testing.assert_array_equal(old[key], data[key])
            assert old[key].dtype == data[key].dtype
    assert '| 75.00 |' in run('shot_report.py', str(path))


def test_plot_geometry_side_by_side(results, tmp_path):
    ce = write_results(tmp_path / 'ce.npz', [1, 1, 0.5, 0.3, 0.1, 0.0], 1)
    out = str(tmp_path / 'both.png')
    stdout = run('plot_geometry.py', ce, results, '--names', 'CE', 'BCL',
                 '--out', out)
    assert '[CE]' in stdout and '[BCL]' in stdout
    assert_png(out, min_size=(900, 300))  # two heatmaps wide


def write_run(work_dir, records):
    """A run's scalars.json as tools/train.py logs it."""
    import json
    import os
    folder = osp.join(work_dir, '20260101_000000', 'vis_data')
    os.makedirs(folder)
    with open(osp.join(folder, 'scalars.json'), 'w') as f:
        for record in records:
            f.write(json.dumps(record) + '\n')
    return str(work_dir)


def test_compare_runs(tmp_path):
    train = {'loss': 1.0, 'step': 1}
    runs = [
        write_run(tmp_path / f'bcl{i}', [
            train, {'shot/top1': 10.0, 'step': 1}, train,
            {'shot/top1': top1, 'shot/many': 90.0, 'shot/medium': 80.0,
             'shot/few': few, 'nc/contrast/nc1': 0.5, 'step': 2}])
        for i, (top1, few) in enumerate(((80.0, 60.0), (84.0, 70.0)))
    ]
    ce = write_run(tmp_path / 'ce', [{'shot/top1': 70.0, 'shot/many': 99.0,
                                      'shot/medium': 70.0, 'shot/few': 10.0,
                                      'step': 2}])
    out = str(tmp_path / 'table.md')
    table = run('compare_runs.py', f'BCL={runs[0]},{runs[1]}', f'CE={ce}',
                '--out', out)
    lines = table.splitlines()
    assert lines[0].startswith('| method | runs | overall | many |')
    bcl = lines[2].split(' | ')
    # the last validation of each run: mean ± std over the two
    assert bcl[:6] == ['| BCL', '2', '82.0 ± 2.0', '90.0 ± 0.0',
                       '80.0 ± 0.0', '65.0 ± 5.0']
    assert '0.500 ± 0.000' in lines[2]
    assert lines[3].startswith('| CE | 1 | 70.0 ± 0.0') and '–' in lines[3]
    assert open(out).read() == table
    # paired by seed: the i-th run of each method
    text = run('compare_runs.py', f'BCL={runs[0]},{runs[1]}',
               f'CE={ce},{ce}', '--paired', 'BCL:CE', '--seeds', '3', '4')
    assert '| 3 | +10.0 | -9.0 | +10.0 | +50.0 |' in text
    assert '| 4 | +14.0 | -9.0 | +10.0 | +60.0 |' in text
    assert '| mean ± std | +12.0 ± 2.0 | -9.0 ± 0.0 |' in text


def test_results_of_a_head_without_features(tmp_path):
    """A CE head that fills no contrastive feature: the per-class plot and
    the table work, the geometry plot says what it needs in one line."""
    from mmbcl.evaluation import save_lt_results
    path = tmp_path / 'ce.npz'
    data = load_lt_results(write_results(tmp_path / 'bcl.npz', [1] * 6))
    data['class_feature_means'] = None
    save_lt_results(str(path), **data)
    run('plot_per_class.py', str(path), '--out', str(tmp_path / 'a.png'))
    assert_png(str(tmp_path / 'a.png'))
    assert '| 100.00 |' in run('shot_report.py', str(path))
    message = tool_error('tools.visualization.plot_geometry', str(path),
                         '--out', str(tmp_path / 'g.png'))
    assert "geometry needs a head that fills it" in message
    assert '--out-feature backbone_feat' in message


def test_plot_per_class_methods_averaged_over_seeds(tmp_path):
    """Several methods, each averaged over its runs (A,B): one series each
    with the mean of the runs' per-class accuracies."""
    import importlib
    plot_per_class = importlib.import_module(
        'tools.visualization.plot_per_class')
    a = write_results(tmp_path / 'a.npz', [1, 1, 1, 0.5, 0.5, 0.0])
    b = write_results(tmp_path / 'b.npz', [1, 0.8, 1, 0.5, 0.0, 0.2], 1)
    counts, accuracy, runs, labels = plot_per_class.mean_accuracy([a, b])
    assert runs == 2 and list(counts) == COUNTS
    assert labels == ['0', '1', '2', '3', '4', '5']  # no names: indices
    np.testing.assert_allclose(accuracy, [100, 90, 100, 50, 25, 10])
    out = str(tmp_path / 'both.png')
    run('plot_per_class.py', f'{a},{b}', a, '--names', 'BCL', 'CE', '--out',
        out)
    assert_png(out)
