"""Images per second per worker of the 3-view ImageNet-LT pipeline, the CPU
side of its gpu-aug variant, mmpretrain's 1-view pipeline and the authors'
torchvision one (part of benchmark.py). One thread each, as a dataloader
worker runs."""
import os.path as osp
import statistics
import time

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
NUM_IMAGES, ROUNDS = 24, 5


def make_jpegs(folder):
    rng = np.random.RandomState(0)
    paths = []
    for i in range(NUM_IMAGES):
        # smooth content compresses like a photo, unlike pure noise
        small = rng.randint(0, 256, (24, 32, 3), dtype=np.uint8)
        img = cv2.resize(small, (500, 375), interpolation=cv2.INTER_CUBIC)
        noise = rng.randint(-20, 20, img.shape)
        img = np.clip(img.astype(int) + noise, 0, 255).astype(np.uint8)
        paths.append(osp.join(folder, f'{i}.jpg'))
        cv2.imwrite(paths[-1], img, [cv2.IMWRITE_JPEG_QUALITY, 90])
    return paths


def mmbcl_three_view(recipe='resnext50_imagenet_lt'):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{recipe}.py'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose(cfg.train_dataloader.dataset.pipeline)
    return lambda path: pipeline(dict(img_path=path, gt_label=0))


def mmpretrain_one_view():
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose([
            dict(type='LoadImageFromFile'),
            dict(type='RandomResizedCrop', scale=224),
            dict(type='RandomFlip', prob=0.5, direction='horizontal'),
            dict(type='PackInputs'),
        ])
    return lambda path: pipeline(dict(img_path=path, gt_label=0))


def authors_torchvision():
    """The authors' loaders: randcls + 2 x sim, timm's RandAugment there,
    torchvision's RandAugment(2, 10) here."""
    from PIL import Image
    from torchvision import transforms as T
    normalize = T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))
    randcls = T.Compose([
        T.RandomResizedCrop(224), T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.0)], p=1.0),
        T.RandAugment(2, 10), T.ToTensor(), normalize])
    sim = T.Compose([
        T.RandomResizedCrop(224), T.RandomHorizontalFlip(),
        T.RandomApply([T.ColorJitter(0.4, 0.4, 0.4, 0.1)], p=0.8),
        T.RandomGrayscale(p=0.2), T.ToTensor(), normalize])

    def run(path):
        with open(path, 'rb') as f:
            img = Image.open(f).convert('RGB')
        return [randcls(img), sim(img), sim(img)]

    return run


def bench_pipeline(tmp_dir):
    torch.set_num_threads(1)
    cv2.setNumThreads(1)
    paths = make_jpegs(tmp_dir)
    pipelines = dict(
        mmbcl_3view=mmbcl_three_view(),
        mmbcl_gpu_aug_3view_cpu_side=mmbcl_three_view(
            'resnext50_imagenet_lt_gpu-aug'),
        authors_torchvision_3view=authors_torchvision(),
        mmpretrain_1view=mmpretrain_one_view())
    rates = {name: [] for name in pipelines}
    for _ in range(ROUNDS):
        for name, run in pipelines.items():
            begin = time.perf_counter()
            for path in paths:
                run(path)
            rates[name].append(len(paths) / (time.perf_counter() - begin))
    print('\n### ImageNet-LT training pipeline, 500x375 JPEGs, one thread '
          '(hue jitter on where the recipe has it)\n')
    print('| pipeline | images / s | vs authors\' torchvision | '
          'vs mmpretrain 1-view |')
    print('|---|---|---|---|')
    for name, values in rates.items():
        rel = [
            statistics.median(v / b for v, b in zip(values, rates[base]))
            for base in ('authors_torchvision_3view', 'mmpretrain_1view')
        ]
        print(f'| {name} | {statistics.median(values):.1f} | {rel[0]:.2f} '
              f'| {rel[1]:.2f} |')
