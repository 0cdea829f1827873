"""Every config under configs/ loads and builds its model."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'bcl', '*.py')))


@pytest.mark.parametrize('config', CONFIGS, ids=osp.basename)
def test_config_builds_model(config):
    cfg = Config.fromfile(config)
    assert cfg.default_scope == 'mmpretrain'
    assert 'mmbcl' in cfg.custom_imports['imports']
    assert dict(type='ClassCountsHook') in cfg.custom_hooks
    model_cfg = cfg.model
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(model_cfg)
    assert type(model).__name__ == 'BCLClassifier'
    assert model.head.num_classes == cfg.data_preprocessor.num_classes
    size = 32
    out = model(torch.randn(2, 3, size, size), mode='tensor')
    assert out.shape == (2, model.head.num_classes)


def test_cifar_recipes():
    """The CIFAR-LT recipe values the README documents."""
    for dataset, classes in (('cifar10', 10), ('cifar100', 100)):
        for rho in (100, 50, 10):
            cfg = Config.fromfile(
                osp.join(ROOT, 'configs', 'bcl',
                         f'resnet32_{dataset}_lt_r{rho}.py'))
            assert cfg.train_dataloader.dataset.imb_factor == 1 / rho
            assert cfg.model.head.num_classes == classes
            assert cfg.model.backbone.depth == 32
            assert cfg.train_dataloader.batch_size == 256
            assert cfg.optim_wrapper.optimizer.lr == 0.15
            assert cfg.optim_wrapper.optimizer.weight_decay == 5e-4
            assert cfg.train_cfg.max_epochs == 200
            assert cfg.param_scheduler[1].milestones == [160, 180]
            head = cfg.model.head
            assert head.loss.loss_weight == 2.0  # alpha
            assert head.contrast_loss.loss_weight == 0.6  # beta
            assert head.contrast_loss.temperature == 0.1
            assert head.feat_dim == 128
