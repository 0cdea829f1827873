"""Every recipe's training pipeline on many random images, hue on."""
import glob
import os.path as osp

import mmcv
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmbcl.utils import adjust_hue

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(
    f for f in glob.glob(osp.join(ROOT, 'configs', 'bcl', '*.py')))


def random_images(num, size, seed=0):
    rng = np.random.RandomState(seed)
    return [
        rng.randint(0, 256, (size, size, 3), dtype=np.uint8)
        for _ in range(num)
    ]


def test_hue_fix_installed_and_total():
    # mmcv 2.2.0 + numpy 2 raised OverflowError for any negative hue;
    # importing mmbcl installs the fix
    for backend in ('cv2', 'pillow'):
        for i, img in enumerate(random_images(200, 8)):
            factor = (i / 199.0 - 0.5)  # -0.5 .. 0.5
            out = mmcv.adjust_hue(img, factor, backend=backend)
            assert out.shape == img.shape and out.dtype == np.uint8


def test_hue_shift_is_cyclic():
    img = random_images(1, 16)[0]
    # shifting by f and then by -f must give back the hue (up to rounding)
    for backend in ('cv2', 'pillow'):
        there = adjust_hue(img, 0.2, backend=backend)
        back = adjust_hue(there, -0.2, backend=backend)
        assert np.abs(back.astype(int) - img.astype(int)).mean() < 6


def train_pipeline(cfg):
    """The training dataset's pipeline, dataset wrappers looked into."""
    dataset = cfg.train_dataloader.dataset
    while 'pipeline' not in dataset:
        dataset = dataset['dataset']
    return dataset.pipeline


def unique_train_pipelines():
    """One config per distinct training pipeline (most recipes share one)."""
    seen = {}
    for config in CONFIGS:
        pipeline = train_pipeline(Config.fromfile(config))
        seen.setdefault(repr(pipeline), config)
    return sorted(seen.values())


@pytest.mark.parametrize('config', unique_train_pipelines(), ids=osp.basename)
def test_train_pipeline_runs(config):
    cfg = Config.fromfile(config)
    # images are generated here instead of read from disk
    transforms = [
        t for t in train_pipeline(cfg)
        if t['type'] != 'LoadImageFromFile'
    ]
    for t in transforms:  # BCLViews loads inside (a stock pipeline)
        if t['type'] == 'BCLViews':
            t['pipeline'] = [u for u in t['pipeline']
                             if u['type'] != 'LoadImageFromFile']
    size = crop_size(transforms)
    num = 300 if size <= 32 else 150
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose(transforms)
    rng = np.random.RandomState(1)
    for i in range(num):
        # larger, non-square sources for the ImageNet-style random crops
        shape = (size, size) if size <= 32 else (size + 40, size + 90)
        img = rng.randint(0, 256, shape + (3, ), dtype=np.uint8)
        out = pipeline(dict(img=img, gt_label=i % 10, img_shape=shape,
                            ori_shape=shape))
        views = out['inputs']
        assert len(views) == 3
        hwc = transforms[-1]['type'] == 'PackHWCInputs'  # gpu-aug recipes
        shape = (size, size, 3) if hwc else (3, size, size)
        assert all(tuple(v.shape) == shape for v in views)


def crop_size(transforms):
    """Output size of the first view (every view has the same)."""
    multi_view = next(t for t in transforms
                      if t['type'] in ('MultiView', 'BCLViews'))
    first = (multi_view['pipeline'] if multi_view['type'] == 'BCLViews' else
             multi_view['transforms'][0])
    for t in first:
        if t['type'] in ('RandomResizedCrop', 'RandomCrop'):
            return t.get('scale', t.get('crop_size'))
    raise AssertionError('no crop in the classification view')
