"""ConCutMix's data cost per image, one worker thread (part of
benchmark.py): the BCL pipeline; BCL + ConCutMix as mmbcl makes it (the
three views, plus only the classification view of the paste image:
``BalancedPasteDataset``); and ConCutMix's own arrangement (all three views
of the paste image too, one of them used). Measured on the ImageNet-LT
recipe (500 x 375 JPEGs), the CPU side of its gpu-aug variant, and the
CIFAR-100-LT recipe (32 x 32 arrays in memory)."""
import os.path as osp
import statistics
import time

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from mmbcl.datasets.balanced_paste_dataset import classification_view_pipeline

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
ROUNDS = 15
#: (row name, BCL recipe, data: 'jpeg' or 'array')
RECIPES = [
    ('ImageNet-LT', 'resnext50_imagenet_lt', 'jpeg'),
    ('ImageNet-LT, gpu-aug CPU side', 'resnext50_imagenet_lt_gpu-aug',
     'jpeg'),
    ('CIFAR-100-LT', 'resnet32_cifar100_lt_r100', 'array'),
]


def arrangements(recipe):
    """The three ways to make one training item from (image, paste image),
    as functions of two data infos."""
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{recipe}.py'))
    steps = cfg.train_dataloader.dataset.pipeline
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        views = Compose(steps)
        paste = Compose(classification_view_pipeline(steps))

    def bcl(info, _):
        return views(dict(info))

    def concutmix_mmbcl(info, paste_info):
        return views(dict(info)), paste(dict(paste_info))

    def concutmix_official(info, paste_info):
        return views(dict(info)), views(dict(paste_info))

    return dict(bcl=bcl, concutmix_mmbcl=concutmix_mmbcl,
                concutmix_official=concutmix_official)


def data_infos(kind, tmp_dir):
    if kind == 'jpeg':
        from benchmark_pipeline import make_jpegs
        return [dict(img_path=p, gt_label=0) for p in make_jpegs(tmp_dir)]
    rng = np.random.RandomState(0)
    return [
        dict(img=rng.randint(0, 256, (32, 32, 3), np.uint8), gt_label=0)
        for _ in range(64)
    ]


def bench_concutmix(tmp_dir, rounds=ROUNDS, recipes=RECIPES):
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    print('\n### ConCutMix data cost per image, one thread\n')
    print('| recipe | BCL (images / s) | ConCutMix, mmbcl (images / s) | '
          '÷ BCL (time) | ConCutMix, official arrangement (images / s) | '
          '÷ BCL (time) |')
    print('|---|---|---|---|---|---|')
    results = {}
    for name, recipe, kind in recipes:
        infos = data_infos(kind, tmp_dir)
        pairs = list(zip(infos, infos[1:] + infos[:1]))
        runs = arrangements(recipe)
        rates = {key: [] for key in runs}
        for _ in range(rounds):
            for key, run in runs.items():
                begin = time.perf_counter()
                for info, paste_info in pairs:
                    run(info, paste_info)
                rates[key].append(len(pairs) /
                                  (time.perf_counter() - begin))
        cost = {
            key: statistics.median(b / v for b, v in zip(rates['bcl'],
                                                         rates[key]))
            for key in runs
        }
        results[name] = cost
        print(f'| {name} | {statistics.median(rates["bcl"]):.1f} | '
              f'{statistics.median(rates["concutmix_mmbcl"]):.1f} | '
              f'{cost["concutmix_mmbcl"]:.2f} | '
              f'{statistics.median(rates["concutmix_official"]):.1f} | '
              f'{cost["concutmix_official"]:.2f} |')
    return results
