"""Missing data is one line, before the config dump, with nothing left
behind; an unreadable image is named first."""
import os.path as osp
import urllib.error

import cv2
import numpy as np
import pytest

import mmbcl  # noqa: F401
from tests.cli import tool_error
from tests.conftest import ROOT

CIFAR = osp.join(ROOT, 'configs', 'bcl', 'resnet32_cifar100_lt_r100.py')
IMAGENET = osp.join(ROOT, 'configs', 'bcl', 'resnext50_imagenet_lt.py')


def offline(*args, **kwargs):
    raise urllib.error.URLError('[Errno -2] Name or service not known')


@pytest.mark.parametrize('tool', ['tools.train', 'tools.test'])
def test_missing_cifar_is_one_line_and_leaves_nothing(tool, tmp_path,
                                                      monkeypatch, capsys):
    """An offline CIFAR download is one line, not a traceback ending in
    URLError, and leaves no empty data/cifar100/ behind."""
    from mmpretrain.datasets import cifar
    monkeypatch.setattr(cifar, 'download_and_extract_archive', offline)
    root = tmp_path / 'data' / 'cifar100'
    options = ['--cfg-options', f'train_dataloader.dataset.data_root={root}',
               f'val_dataloader.dataset.data_root={root}',
               f'test_dataloader.dataset.data_root={root}']
    checkpoint = tmp_path / 'x.pth'
    checkpoint.write_bytes(b'')  # tools/test.py checks the data first
    args = [CIFAR, str(checkpoint)] if tool == 'tools.test' else [CIFAR]
    if tool == 'tools.test':  # a real (empty-state) checkpoint
        import torch
        torch.save(dict(state_dict={}), checkpoint)
    message = tool_error(tool, *args, '--work-dir', str(tmp_path / 'work'),
                         *options)
    assert f"CIFAR100LT is not in '{root}'" in message
    assert 'downloading it failed' in message
    assert 'cifar-100-python.tar.gz and extract it into' in message
    assert not (tmp_path / 'data').exists()  # nothing left behind
    assert not (tmp_path / 'work').exists()  # stopped before the runner
    assert 'Config:' not in capsys.readouterr().out  # before the dump


def test_missing_list_file_is_one_line(tmp_path, capsys):
    """A missing ImageNet-LT list file is one line, before the config
    dump."""
    root = tmp_path / 'imagenet'
    root.mkdir()
    message = tool_error('tools.train', IMAGENET, '--work-dir',
                         str(tmp_path / 'work'), '--cfg-options',
                         f'train_dataloader.dataset.data_root={root}')
    assert f"list file '{root}/ImageNet_LT_train.txt' does not exist" in \
        message
    assert 'FlamieZhu/BCL' in message
    assert 'Config:' not in capsys.readouterr().out


def test_unreadable_image_is_named_first(tmp_path):
    """A class folder with a corrupt file: the file name leads the one
    line, not the end of a dataloader worker's traceback."""
    for label in range(2):
        folder = tmp_path / 'folder' / f'class{label}'
        folder.mkdir(parents=True)
        for i in range(4):
            cv2.imwrite(str(folder / f'{i}.png'),
                        np.full((36, 36, 3), 60 * label + i, np.uint8))
    bad = tmp_path / 'folder' / 'class1' / 'broken.png'
    bad.write_bytes(b'not an image')
    config = tmp_path / 'folder_demo.py'
    folder = str(tmp_path / 'folder')
    config.write_text(f'''_base_ = [{osp.join(ROOT, 'configs', 'bcl',
                                        'resnet8_synthetic_lt_demo.py')!r}]
model = dict(head=dict(num_classes=2))
data_preprocessor = dict(num_classes=2)
train_dataloader = dict(num_workers=0, dataset=dict(
    _delete_=True, type='CustomDataset', data_root={folder!r},
    pipeline=[dict(type='LoadImageFromFile'),
              dict(type='MultiView', num_views=[1, 2], transforms=[
                  {{{{_base_.classification_view}}}},
                  {{{{_base_.contrastive_view}}}}]),
              dict(type='PackInputs')]))
''')
    message = tool_error('tools.train', str(config), '--work-dir',
                         str(tmp_path / 'work'), '--no-validate',
                         '--cfg-options', 'train_cfg.max_epochs=1',
                         'train_dataloader.batch_size=3')
    assert message.startswith(f'error: {bad}: not a readable image')
