"""BCLViews: a stock pipeline becomes BCL's three views; the stock-config
example trains a step."""
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import pseudo_collate
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS, TRANSFORMS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
EXAMPLE = osp.join(ROOT, 'configs', 'bcl', 'resnet50_in1k_from-mmpretrain.py')
STOCK = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomResizedCrop', scale=24),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]


def images(tmp_path, n=4, size=(40, 52)):
    rng = np.random.RandomState(0)
    paths = []
    for i in range(n):
        path = str(tmp_path / f'{i}.jpg')
        cv2.imwrite(path, rng.randint(0, 256, (*size, 3), dtype=np.uint8))
        paths.append(path)
    return paths


def test_three_views_of_one_image(tmp_path):
    views = TRANSFORMS.build(dict(type='BCLViews', pipeline=STOCK))
    out = views(dict(img_path=images(tmp_path, 1)[0], gt_label=3))
    assert len(out['inputs']) == 3
    assert all(v.shape == (3, 24, 24) for v in out['inputs'])
    assert out['data_samples'].gt_label.item() == 3
    # the views of one image differ (independent random augmentations)
    assert not torch.equal(out['inputs'][1], out['inputs'][2])


def test_contrastive_view_override_and_errors():
    view = [dict(type='RandomResizedCrop', scale=24)]
    TRANSFORMS.build(dict(type='BCLViews', pipeline=STOCK,
                          contrastive_view=view))
    with pytest.raises(ValueError, match='must end with its only PackInputs'):
        TRANSFORMS.build(dict(type='BCLViews', pipeline=STOCK[:-1]))
    with pytest.raises(ValueError, match='no RandomResizedCrop'):
        TRANSFORMS.build(dict(type='BCLViews', pipeline=[
            dict(type='RandomFlip', prob=0.5), dict(type='PackInputs')]))


def test_stock_mmpretrain_config_becomes_bcl(tmp_path):
    """The README example: MMPretrain's ResNet-50 recipe, inherited, with
    its own train pipeline wrapped by BCLViews, trains a step."""
    from mmengine.optim import OptimWrapper
    cfg = Config.fromfile(EXAMPLE)
    assert cfg.model.backbone.type == 'ResNet'  # from the stock recipe
    pipeline = cfg.train_dataloader.dataset.pipeline
    crop = pipeline[0].pipeline[1]
    assert (crop.type, crop.scale) == ('RandomResizedCrop', 224)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        transform = TRANSFORMS.build(pipeline[0])
        cfg.model.data_preprocessor = cfg.data_preprocessor
        model = MODELS.build(cfg.model)
    assert type(model.data_preprocessor).__name__ == (
        'MultiViewDataPreprocessor')
    model.head.loss_module.set_class_counts(range(1, 1001))
    batch = pseudo_collate([
        transform(dict(img_path=path, gt_label=label))
        for path, label in zip(images(tmp_path, 2, (240, 260)), (5, 999))
    ])
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log_vars = model.train_step(batch, optim)
    assert set(log_vars) == {'loss', 'loss_cls', 'loss_bcl'}
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())


@pytest.mark.parametrize('size, smallest', [(32, 0.2), (224, 0.08)])
def test_default_contrastive_views_follow_the_resolution(size, smallest):
    """The default views are the classification view's size, with the CIFAR
    recipes' crop range on small images and the ImageNet-LT one on large;
    no blur."""
    from mmbcl.datasets.transforms.bcl_views import sim_view
    crop, *rest = sim_view(size)
    assert crop['scale'] == size
    assert crop['crop_ratio_range'] == (smallest, 1.0)
    assert 'GaussianBlur' not in str(rest)
