"""The config and data mistakes users make, each with one clear message.

Table-driven: every row makes one mistake the way a user would (through the
registries and tools) and names the message that must come out. The tools
run in-process (their ``main``, as their command line runs it); one row runs
a real ``python tools/train.py`` process and checks its exit status too.
"""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss
from mmpretrain.registry import DATA_SAMPLERS, DATASETS, MODELS
from mmpretrain.structures import DataSample
from tests.cli import call_tool

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def demo_model(**head):
    head = dict(dict(type='BCLHead', num_classes=4, in_channels=64,
                     loss=dict(type='LogitAdjustLoss',
                               class_counts=[9, 5, 3, 2])), **head)
    return MODELS.build(
        dict(type='BCLClassifier',
             backbone=dict(type='CifarResNet', depth=8),
             neck=dict(type='GlobalAveragePooling'), head=head))


def train_step(model, views=3, batch=2):
    inputs = [torch.randn(batch, 3, 16, 16) for _ in range(views)]
    samples = [DataSample().set_gt_label(i % 4) for i in range(batch)]
    return model.loss(inputs if views > 1 else inputs[0], samples)


def list_dataset(tmp_path, text, **kwargs):
    ann = tmp_path / 'list.txt'
    ann.write_text(text)
    return DATASETS.build(dict(type='ImageNetLT', ann_file=str(ann),
                               data_root=str(tmp_path), **kwargs))


def run_tool(*args):
    """A tool in its own process: its exit status and what it printed."""
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, timeout=300,
                          capture_output=True, text=True)
    assert proc.returncode != 0
    raise RuntimeError(proc.stderr[-2000:])


def tool(script, *args):
    """A tool's ``main`` in-process: whatever ends it, as one error."""
    module = script[:-len('.py')].replace('/', '.')
    try:
        call_tool(module, *args)
    except (SystemExit, Exception) as error:
        raise RuntimeError(f'{type(error).__name__}: {error}') from None
    raise AssertionError(f'{script} {args} did not fail')


def junk(tmp_path, data):
    path = tmp_path / 'junk.bin'
    path.write_bytes(data)
    return str(path)


class Planted:

    def __reduce__(self):
        return (os.system, ('echo planted',))


def planted(tmp_path):
    path = tmp_path / 'planted.ckpt'  # not .pth: the table checks those
    torch.save({'state_dict': {}, 'meta': Planted()}, path)
    return str(path)


DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'
CASES = [
    # (mistake, action, exception, message)
    ('head num_classes != dataset classes',
     lambda p: tool('tools/train.py', DEMO, '--work-dir', str(p),
                    '--cfg-options', 'model.head.num_classes=12'),
     RuntimeError, r'num_classes=12 but the training dataset has 10'),
    ('head in_channels != backbone channels',
     lambda p: train_step(demo_model(in_channels=128)),
     ValueError, r'in_channels=128.*got \(6, 64\)'),
    ('imb_factor 0', lambda p: DATASETS.build(
        dict(type='SyntheticLT', imb_factor=0)),
     ValueError, r'imb_factor must be in \(0, 1\].*got 0'),
    ('imb_factor > 1', lambda p: DATASETS.build(
        dict(type='CIFAR10LT', imb_factor=100, data_root='x',
             lazy_init=True)),
     ValueError, r'imb_factor must be in \(0, 1\].*rho=100.*got 100'),
    ('imb_factor negative', lambda p: DATASETS.build(
        dict(type='LongTailDataset', imb_factor=-0.1,
             dataset=dict(type='SyntheticLT'))),
     ValueError, r'LongTailDataset: imb_factor must be in.*got -0.1'),
    ('unknown sampler', lambda p: DATA_SAMPLERS.build(
        dict(type='ClassBalancedSampler', dataset=None)),
     KeyError, r'ClassBalancedSampler is not in the .*registry'),
    ('unknown view variant config',
     lambda p: tool('tools/train.py',
                    'configs/bcl/resnext50_imagenet_lt_sim-sim.py'),
     RuntimeError, r'does not exist; did you mean .*_sim-rand.py'),
    ('2 views instead of 3 in the train pipeline',
     lambda p: train_step(demo_model(), views=2),
     ValueError, r'needs 3 views per image.*got 2 views'),
    ('list file with a bad line',
     lambda p: list_dataset(p, 'a.jpg 0\nb.jpg\n', check_files=False),
     ValueError, r'list.txt, line 2: .*expected "relative/path label"'),
    ('label out of range in a list file',
     lambda p: list_dataset(p, 'a.jpg 1000\n', check_files=False),
     ValueError, r'line 1: .*label 1000 outside \[0, 1000\)'),
    ('missing image', lambda p: list_dataset(p, 'gone/a.jpg 0\n'),
     FileNotFoundError, r'gone/a.jpg'),
    ('empty class after subsampling', lambda p: DATASETS.build(
        dict(type='SyntheticLT', n_max=40, imb_factor=0.01)),
     ValueError, r'class \d would be empty'),
    ('a 1-image last batch (1,345 images, batch 64)',
     lambda p: tool('tools/train.py', DEMO, '--work-dir', str(p),
                    '--cfg-options', 'train_dataloader.dataset.n_max=543'),
     RuntimeError, r'last batch of every epoch would hold 1 image\(s\) per '
     r'process .* 3 rows.*Set train_dataloader.drop_last=True'),
    ('batch size 1',
     lambda p: tool('tools/train.py', DEMO, '--work-dir', str(p),
                    '--cfg-options', 'train_dataloader.batch_size=1'),
     RuntimeError, r'batch_size=1: BCLClassifier .* needs at least 2'),
    ('label outside [0, C) reaching the loss',
     lambda p: bcl_loss(F.normalize(torch.randn(2, 2, 8), dim=-1),
                        torch.tensor([0, 7]), torch.randn(3, 8)),
     RuntimeError, r'label is outside \[0, 3\)'),
    ('3 contrastive views given to BCLLoss',
     lambda p: bcl_loss(torch.randn(2, 3, 8), torch.tensor([0, 1]),
                        torch.randn(3, 8)),
     ValueError, r'exactly 2 contrastive views, got \(2, 3, 8\)'),
    ('CIFAR ResNet depth that is not 6n + 2',
     lambda p: MODELS.build(dict(type='CifarResNet', depth=18)),
     ValueError, r'depth must be 6n \+ 2.*got 18'),
    ('resume from a checkpoint that does not exist',
     lambda p: tool('tools/train.py', DEMO, '--resume', 'nope.pth'),
     RuntimeError, r"--resume: checkpoint 'nope.pth' does not exist"),
    ('test a checkpoint that does not exist',
     lambda p: tool('tools/test.py', DEMO, 'nope.pth'),
     RuntimeError, r"checkpoint 'nope.pth' does not exist"),
    ('test a file of random bytes',
     lambda p: tool('tools/test.py', DEMO, junk(p, os.urandom(4096))),
     RuntimeError, r"tools/test.py: '.*junk.bin' \(4096 bytes\) is not a "
     r'complete checkpoint.*expected an MMEngine checkpoint'),
    ('resume from a text file',
     lambda p: tool('tools/train.py', DEMO, '--work-dir', str(p),
                    '--resume', junk(p, b'epoch 12, lr 0.1\n')),
     RuntimeError, r"--resume: '.*junk.bin' \(17 bytes\) is not a complete "
     r'checkpoint'),
    ('load_from a checkpoint with a planted global',
     lambda p: tool('tools/train.py', DEMO, '--work-dir', str(p),
                    '--cfg-options', f'load_from={planted(p)}'),
     RuntimeError, r"load_from: '.*planted.ckpt' references Python objects "
     r'.*(posix|os).system.*refuses to unpickle'),
    ('--amp without a GPU',
     lambda p: run_tool('tools/train.py', DEMO, '--amp'),  # a process
     RuntimeError, r'--amp needs a GPU'),
]


@pytest.mark.parametrize('mistake, action, error, message', CASES,
                         ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, mistake, action, error, message):
    with pytest.raises(error, match=message):
        action(tmp_path)
    # nothing half-written was left behind
    assert not [f for f in os.listdir(tmp_path) if f.endswith('.pth')]
