"""The README's code runs as written: its Python blocks are extracted and
run (the inference example on the suite's demo checkpoint, the config
examples built into models), and every config, tool and flag its shell
blocks name exists."""
import os
import os.path as osp
import re

import pytest
import torch
from mmengine.config import Config

import mmbcl  # noqa: F401
from tests.conftest import DEMO_EPOCHS, ROOT

README = open(osp.join(ROOT, 'README.md'), encoding='utf-8').read()

# the shared demo run is trained once, in one xdist worker
pytestmark = pytest.mark.xdist_group('demo_run')


def blocks(language):
    return re.findall(rf'```{language}\n(.*?)```', README, re.S)


def python_block(marker):
    (block, ) = [b for b in blocks('python') if marker in b]
    return block


def test_inference_example_runs_as_written(demo_run, tmp_path,
                                           monkeypatch):
    """The block creates its image and runs the three inference calls;
    only the checkpoint path (the README's full demo) and the working
    directory (the repository) differ."""
    block = python_block('ImageClassificationInferencer(')
    readme_ckpt = 'work_dirs/resnet8_synthetic_lt_demo/epoch_20.pth'
    assert readme_ckpt in block
    work_dir, _ = demo_run
    block = block.replace(
        readme_ckpt, osp.join(work_dir, f'epoch_{DEMO_EPOCHS}.pth'))
    block = block.replace("'configs/", f"'{ROOT}/configs/")
    monkeypatch.chdir(tmp_path)
    printed = []
    exec(compile(block, 'README.md', 'exec'),
         dict(print=lambda *values: printed.extend(values)))
    assert osp.isfile(tmp_path / 'texture.png')
    assert len(printed) == 3 and printed[0] == printed[2]  # the labels
    assert 0 <= printed[0] < 10 and 0 < printed[1] <= 1


def config_from_block(marker, tmp_path, folder):
    path = tmp_path / 'readme_config.py'
    text = python_block(marker).replace("'./", f"'{folder}/")
    path.write_text(text)
    return Config.fromfile(str(path))


def build(cfg):
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import MODELS
    cfg.model.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(cfg.model)


def test_another_backbone_example(tmp_path):
    cfg = config_from_block("type='MobileNetV2'", tmp_path,
                            osp.join(ROOT, 'configs', 'bcl'))
    model = build(cfg)
    assert type(model.backbone).__name__ == 'MobileNetV2'
    assert model(torch.randn(2, 3, 64, 64), mode='tensor').shape == (2, 1000)


def test_stock_mmpretrain_config_example(tmp_path):
    """The block a user writes to turn MMPretrain's ResNet-50 recipe into
    BCL: its model builds and its pipeline gives three views."""
    import numpy as np
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import TRANSFORMS
    cfg = config_from_block("mmpretrain::resnet/resnet50_8xb32_in1k.py",
                            tmp_path, ROOT)
    assert type(build(cfg)).__name__ == 'BCLClassifier'
    (views, ) = cfg.train_dataloader.dataset.pipeline
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        transform = TRANSFORMS.build(views)
    image = tmp_path / 'a.png'
    import cv2
    cv2.imwrite(str(image), np.zeros((40, 50, 3), np.uint8))
    out = transform(dict(img_path=str(image), gt_label=3))
    assert [tuple(v.shape) for v in out['inputs']] == [(3, 224, 224)] * 3


def shell_lines():
    for block in blocks('bash'):
        text = block.replace('\\\n', ' ')
        for line in text.splitlines():
            line = line.split('#')[0].strip()
            if line:
                yield line


def test_shell_blocks_name_what_exists():
    """Every config and tool the README's shell blocks run exists, and
    every option they give tools/train.py or tools/test.py is one of
    theirs."""
    import tools.test as test_tool
    import tools.train as train_tool
    options = {}
    for name, tool in (('train', train_tool), ('test', test_tool)):
        with pytest.raises(SystemExit):
            import contextlib
            import io
            with contextlib.redirect_stdout(io.StringIO()) as help_text:
                from tests.cli import argv
                with argv(name, '--help'):
                    tool.parse_args()
        options[name] = set(re.findall(r'--[\w-]+', help_text.getvalue()))
    checked = 0
    for line in shell_lines():
        for path in re.findall(r'\b((?:configs|tools)/[\w./-]+\.(?:py|sh))',
                               line):
            assert osp.isfile(osp.join(ROOT, path)), (path, line)
            checked += 1
        tool = re.search(r'tools/(train|test)\.py|dist_(train|test)\.sh',
                         line)
        if tool:
            kind = 'train' if 'train' in tool.group(0) else 'test'
            for flag in re.findall(r'\s(--[\w-]+)', line):
                assert flag in options[kind], (flag, line)
    assert checked > 20


def test_setup_env_installs_the_extras_the_readme_names():
    with open(osp.join(ROOT, 'tools', 'setup_env.sh')) as f:
        script = f.read()
    assert 'pip install -q -e ".[${EXTRAS}]"' in script
    assert '.[lite,tests]' in README and 'EXTRAS=lite,tests' in script
    assert os.access(osp.join(ROOT, 'tools', 'setup_env.sh'), os.R_OK)
