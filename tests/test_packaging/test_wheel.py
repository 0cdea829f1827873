"""A non-editable install is a complete OpenMMLab package: the wheel
carries the configs, the user tools and the model index under mmbcl/.mim
(with the licence; no benchmark or study), and, installed, MMPretrain's
model hub lists and builds every mmbcl model."""
import glob
import os
import os.path as osp
import subprocess
import sys
import zipfile

import pytest

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def source_files():
    proc = subprocess.run(['git', 'ls-files', '-co', '--exclude-standard'],
                          cwd=ROOT, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.skip('not a git checkout: cannot tell the sources apart')
    return [f for f in proc.stdout.splitlines() if osp.isfile(
        osp.join(ROOT, f))]


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    src = tmp_path_factory.mktemp('src')
    for name in source_files():
        os.makedirs(osp.dirname(src / name), exist_ok=True)
        with open(osp.join(ROOT, name), 'rb') as f:
            (src / name).write_bytes(f.read())
    dist = tmp_path_factory.mktemp('dist')
    subprocess.run([sys.executable, '-m', 'pip', 'wheel', str(src),
                    '--no-deps', '--no-build-isolation', '-q', '-w',
                    str(dist)], check=True, capture_output=True,
                   timeout=300)
    return glob.glob(str(dist / 'mmbcl-*.whl'))[0]


def test_wheel_carries_configs_tools_and_licence(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for name in ('mmbcl/.mim/model-index.yml',
                 'mmbcl/.mim/configs/bcl/metafile.yml',
                 'mmbcl/.mim/configs/proco/metafile.yml',
                 'mmbcl/.mim/configs/concutmix/metafile.yml',
                 'mmbcl/.mim/configs/bcl/resnext50_imagenet_lt.py',
                 'mmbcl/.mim/configs/_base_/default_runtime.py',
                 'mmbcl/.mim/tools/train.py', 'mmbcl/.mim/tools/test.py',
                 'mmbcl/.mim/tools/dist_train.sh'):
        assert name in names, name
    configs = glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                        recursive=True)
    for config in configs:
        assert 'mmbcl/.mim/' + osp.relpath(config, ROOT) in names, config
    # dist-info/licenses/ from setuptools 77 (metadata 2.4), dist-info/ before
    assert any(n.endswith(('dist-info/licenses/LICENSE', 'dist-info/LICENSE'))
               for n in names)
    assert not any('__pycache__' in n for n in names)
    # user tools only: no benchmark, study or developer script
    assert not any(n.startswith(('benchmarks/', 'studies/')) or
                   '/benchmarks/' in n or '/studies/' in n or
                   'benchmark' in osp.basename(n) for n in names), names
    assert 'mmbcl/.mim/tools/analysis_tools/shot_report.py' in names
    assert 'mmbcl/.mim/tools/visualization/plot_per_class.py' in names


def test_lite_extra_brings_mmcv_lite(wheel):
    """`pip install "mmbcl-*.whl[lite]"` (the README's one command) gets
    mmcv-lite: the wheel declares it under the lite extra, and torch at the
    floor import mmbcl checks."""
    import mmbcl
    (metadata, ) = [n for n in zipfile.ZipFile(wheel).namelist()
                    if n.endswith('.dist-info/METADATA')]
    text = zipfile.ZipFile(wheel).read(metadata).decode()
    assert 'Provides-Extra: lite' in text
    assert 'Requires-Dist: mmcv-lite==2.2.0; extra == "lite"' in text
    assert f'Requires-Dist: torch>={mmbcl.TORCH_MINIMUM}' in text


def test_installed_wheel_registers_models(wheel, tmp_path):
    target = tmp_path / 'site'
    subprocess.run([sys.executable, '-m', 'pip', 'install', '--no-deps',
                    '-q', '--target', str(target), wheel], check=True,
                   capture_output=True, timeout=300)
    script = '''
import os.path as osp
import mmbcl, mmpretrain
assert mmbcl.__file__.startswith({target!r}), mmbcl.__file__
names = [n for m in ('bcl', 'proco', 'concutmix')
         for n in mmpretrain.list_models(m + '_*')]
print(len(names))
for name in ('bcl_resnet8_synthetic_lt_demo', 'bcl_resnet32_cifar100_lt_r100',
             'bcl_resnext50_imagenet_lt_rand-rand',
             'proco_resnet32_cifar10_lt_r100',
             'concutmix_resnet32_cifar10_lt_r100'):
    assert name in names, name
    model = mmpretrain.get_model(name)
    print(name, type(model).__name__, model.head.num_classes)
'''.format(target=str(target))
    proc = subprocess.run(
        [sys.executable, '-c', script], cwd=str(tmp_path),
        env=dict(os.environ, PYTHONPATH=str(target)), capture_output=True,
        text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    lines = proc.stdout.split('\n')
    metafiles = [open(osp.join(ROOT, 'configs', method, 'metafile.yml')).read()
                 for method in ('bcl', 'proco', 'concutmix')]
    assert int(lines[0]) == sum(
        m.count(f'  - Name: {method}_')
        for m, method in zip(metafiles, ('bcl', 'proco', 'concutmix')))
    assert 'bcl_resnet32_cifar100_lt_r100 BCLClassifier 100' in lines
