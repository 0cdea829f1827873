"""The documentation's code runs as written.

Every Python block of the README, ``CONTRIBUTING.md``, ``docs/``,
``configs/bcl/README.md``, ``benchmarks/`` and ``studies/`` runs: the
inference example on the suite's demo checkpoint, each config example is
read by MMEngine and its model built, any other block executes. Every
config, tool and flag the shell blocks name exists; the shell blocks of
the useful-tools page run on generated results files; and every relative
link points at a file.
"""
import glob
import json
import os
import os.path as osp
import re
import shlex

import pytest
import torch
from mmengine.config import Config

import mmbcl  # noqa: F401
from tests.conftest import DEMO_EPOCHS, ROOT

DOCS = sorted(
    ['README.md', 'CONTRIBUTING.md', 'configs/bcl/README.md',
     'configs/proco/README.md', 'configs/concutmix/README.md',
     'benchmarks/README.md'] +
    [osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'docs', '**', '*.md'), recursive=True)] +
    [osp.relpath(p, ROOT) for p in glob.glob(
        osp.join(ROOT, 'studies', '*', 'README.md'))])


def read(doc):
    with open(osp.join(ROOT, doc), encoding='utf-8') as f:
        return f.read()


def blocks(language, docs=DOCS):
    """``(doc, block)`` for every fenced block of ``language``."""
    return [(doc, block) for doc in docs
            for block in re.findall(rf'```{language}\n(.*?)```', read(doc),
                                    re.S)]


PYTHON = blocks('python')
INFERENCE = 'ImageClassificationInferencer('


def block_id(item):
    doc, block = item
    return f'{doc}:{block.strip().splitlines()[0][:40]}'


def test_the_docs_have_code_to_check():
    assert len(DOCS) > 15 and len(PYTHON) >= 5


@pytest.mark.xdist_group('demo_run')
def test_inference_example_runs_as_written(demo_run, tmp_path,
                                           monkeypatch):
    """The block creates its image and runs the three inference calls;
    only the checkpoint path (the documented full demo) and the working
    directory (the repository) differ."""
    (block, ) = [b for _, b in PYTHON if INFERENCE in b]
    documented_ckpt = 'work_dirs/resnet8_synthetic_lt_demo/epoch_20.pth'
    assert documented_ckpt in block
    work_dir, _ = demo_run
    block = block.replace(
        documented_ckpt, osp.join(work_dir, f'epoch_{DEMO_EPOCHS}.pth'))
    block = block.replace("'configs/", f"'{ROOT}/configs/")
    monkeypatch.chdir(tmp_path)
    printed = []
    exec(compile(block, 'inference.md', 'exec'),
         dict(print=lambda *values: printed.extend(values)))
    assert osp.isfile(tmp_path / 'texture.png')
    assert len(printed) == 3 and printed[0] == printed[2]  # the labels
    assert 0 <= printed[0] < 10 and 0 < printed[1] <= 1


def build(cfg):
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import MODELS
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(cfg.model)


def registered(name):
    from mmengine.registry import DefaultScope, Registry

    from mmpretrain import registry
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return any(
            value.get(name) is not None for value in vars(registry).values()
            if isinstance(value, Registry))


def types_in(node):
    if isinstance(node, dict):
        if isinstance(node.get('type'), str):
            yield node['type']
        for value in node.values():
            yield from types_in(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from types_in(value)


@pytest.mark.parametrize(
    'item', [i for i in PYTHON if INFERENCE not in i[1]], ids=block_id)
def test_python_block_runs(item, tmp_path, monkeypatch):
    """A config example is read as a config file in ``configs/bcl/`` (where
    the docs say it lives), every type it names is registered, and its
    model builds; any other block runs."""
    doc, block = item
    if '_base_' in block or re.match(r'\w+ = dict\(', block):
        path = tmp_path / 'example.py'
        path.write_text(block.replace(
            "'./", f"'{osp.join(ROOT, 'configs', 'bcl')}/"))
        cfg = Config.fromfile(str(path))
        for name in types_in(cfg.to_dict()):
            assert registered(name), f'{doc}: {name} is not registered'
        if 'model' in cfg:
            model = build(cfg)
            assert isinstance(model, torch.nn.Module)
        return
    monkeypatch.chdir(ROOT)
    exec(compile(block, doc, 'exec'), dict(print=lambda *values: None))


def test_the_stock_mmpretrain_example_gives_three_views(tmp_path):
    """The block that turns MMPretrain's ResNet-50 recipe into BCL: its
    model is a BCLClassifier and its pipeline gives three views."""
    import cv2
    import numpy as np
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import TRANSFORMS
    (block, ) = [b for _, b in PYTHON
                 if 'mmpretrain::resnet/resnet50_8xb32_in1k.py' in b]
    path = tmp_path / 'example.py'
    path.write_text(block)
    cfg = Config.fromfile(str(path))
    assert type(build(cfg)).__name__ == 'BCLClassifier'
    (views, ) = cfg.train_dataloader.dataset.pipeline
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        transform = TRANSFORMS.build(views)
    image = tmp_path / 'a.png'
    cv2.imwrite(str(image), np.zeros((40, 50, 3), np.uint8))
    out = transform(dict(img_path=str(image), gt_label=3))
    assert [tuple(v.shape) for v in out['inputs']] == [(3, 224, 224)] * 3


def test_another_backbone_example(tmp_path):
    (block, ) = [b for _, b in PYTHON if "type='MobileNetV2'" in b]
    path = tmp_path / 'example.py'
    path.write_text(block.replace(
        "'./", f"'{osp.join(ROOT, 'configs', 'bcl')}/"))
    model = build(Config.fromfile(str(path)))
    assert type(model.backbone).__name__ == 'MobileNetV2'
    assert model(torch.randn(2, 3, 64, 64), mode='tensor').shape == (2, 1000)


def shell_lines(docs=DOCS):
    for doc, block in blocks('bash', docs):
        text = block.replace('\\\n', ' ')
        for line in text.splitlines():
            line = line.split('#')[0].strip()
            if line:
                yield doc, line


def tool_options(name):
    import contextlib
    import importlib
    import io

    from tests.cli import argv
    tool = importlib.import_module(f'tools.{name}')
    with pytest.raises(SystemExit), contextlib.redirect_stdout(
            io.StringIO()) as help_text, argv(name, '--help'):
        tool.parse_args()
    return set(re.findall(r'--[\w-]+', help_text.getvalue()))


def test_shell_blocks_name_what_exists():
    """Every config, tool and script the shell blocks run exists, and every
    option they give tools/train.py or tools/test.py is one of theirs."""
    options = {name: tool_options(name) for name in ('train', 'test')}
    checked = 0
    for doc, line in shell_lines():
        for path in re.findall(
                r'\b((?:configs|tools|benchmarks|studies|\.ci)/[\w./-]+'
                r'\.(?:py|sh))', line):
            assert osp.isfile(osp.join(ROOT, path)), (doc, path, line)
            checked += 1
        tool = re.search(r'tools/(train|test)\.py|dist_(train|test)\.sh',
                         line)
        if tool:
            kind = 'train' if 'train' in tool.group(0) else 'test'
            for flag in re.findall(r'\s(--[\w-]+)', line):
                assert flag in options[kind], (doc, flag, line)
    assert checked > 30


def plant_run(work_dir, top1):
    logs = osp.join(work_dir, '20260101_000000', 'vis_data')
    os.makedirs(logs)
    with open(osp.join(logs, 'scalars.json'), 'w') as f:
        f.write(json.dumps({'shot/top1': top1, 'shot/many': 90.0,
                            'shot/medium': 80.0, 'shot/few': 60.0}) + '\n')


def test_useful_tools_commands_run(tmp_path, monkeypatch, capsys):
    """Each command of the useful-tools page runs as written, in a
    directory holding the results files and work dirs it names."""
    from tests.cli import call_tool
    from tests.test_tools.test_analysis_tools import write_results
    monkeypatch.chdir(tmp_path)
    os.makedirs('work_dirs')
    write_results('work_dirs/bcl.npz', [1, 0.9, 0.8, 0.7, 0.6, 0.5])
    write_results('work_dirs/ce.npz', [1, 1, 0.9, 0.5, 0.2, 0.0], seed=1)
    for run, top1 in (('bcl_s0', 85), ('bcl_s1', 83), ('la-ce_s0', 84),
                      ('la-ce_s1', 84)):
        plant_run(f'work_dirs/{run}', top1)
    ran = 0
    for _, line in shell_lines(['docs/useful_tools.md']):
        words = shlex.split(line)
        if words[0] != 'python' or not words[1].startswith(
                ('tools/analysis_tools/', 'tools/visualization/')):
            continue
        if words[1].endswith('absent_classes.py'):
            pytest.importorskip('mlxtend')
            words[2] = osp.join(ROOT, words[2])
        module = words[1][:-len('.py')].replace('/', '.')
        call_tool(module, *words[2:])
        ran += 1
    assert ran == 5
    assert osp.isfile('per_class.png') and osp.isfile('geometry.png')
    assert '| mean ± std |' in capsys.readouterr().out


def test_relative_links_point_at_files():
    for doc in DOCS:
        for target in re.findall(r'\]\(([^)#\s]+)(?:#[^)]*)?\)', read(doc)):
            if '://' in target or target.startswith('mailto:'):
                continue
            path = osp.normpath(osp.join(ROOT, osp.dirname(doc), target))
            assert osp.exists(path), f'{doc}: {target}'


def test_setup_env_installs_the_extras_the_readme_names():
    with open(osp.join(ROOT, 'tools', 'setup_env.sh')) as f:
        script = f.read()
    assert 'pip install -q -e ".[${EXTRAS}]"' in script
    assert '.[lite,tests]' in read('README.md')
    assert 'EXTRAS=lite,tests' in script


def test_the_readme_is_short_and_speaks_to_users():
    readme = read('README.md')
    assert len(readme.splitlines()) <= 200
    for doc in DOCS:
        text = read(doc)
        assert not re.search(
            r'issue [0-9]|our machines|first implementation|not met', text,
            re.I), doc
