"""Training step of BCLClassifier vs ImageClassifier + CE on the same 3B
images (part of benchmark.py)."""
import statistics

import torch
from mmengine.optim import OptimWrapper

from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

#: name, backbone, in_channels, classes, feat_dim, size, CPU / GPU batch
CASES = [
    ('ResNet-32, 32 px, CIFAR-100', dict(type='CifarResNet', depth=32), 64,
     100, 128, 32, 64, 256),
    ('ResNet-50, 224 px, ImageNet-LT',
     dict(type='ResNet', depth=50, out_indices=(3, )), 2048, 1000, 1024, 224,
     16, 32),
]


def build(kind, backbone, in_channels, num_classes, feat_dim):
    pre = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375])
    if kind == 'bcl':
        head = dict(
            type='BCLHead', num_classes=num_classes, in_channels=in_channels,
            feat_dim=feat_dim,
            loss=dict(type='LogitAdjustLoss',
                      class_counts=list(range(num_classes, 0, -1))),
            contrast_loss=dict(type='BCLLoss', temperature=0.07))
        cfg = dict(type='BCLClassifier', data_preprocessor=pre, head=head)
    else:
        head = dict(type='LinearClsHead', num_classes=num_classes,
                    in_channels=in_channels)
        cfg = dict(type='ImageClassifier',
                   data_preprocessor=dict(pre, type='ClsDataPreprocessor'),
                   head=head)
    cfg.update(backbone=backbone, neck=dict(type='GlobalAveragePooling'))
    return MODELS.build(cfg)


def bench_step(device, rounds=5):
    from benchmark import Timer, interleaved, ratio
    timer = Timer(device)
    print('\n### Training step (forward + backward + SGD) on the same 3B '
          'images\n')
    print('| model | batch B (x3 views) | CE step (s) | BCL step (s) | '
          'BCL / CE |')
    print('|---|---|---|---|---|')
    for (name, backbone, in_ch, num_classes, feat_dim, size, cpu_batch,
         gpu_batch) in CASES:
        batch = gpu_batch if device.type == 'cuda' else cpu_batch
        views = [
            torch.randint(0, 256, (batch, 3, size, size), dtype=torch.uint8)
            for _ in range(3)
        ]
        labels = torch.randint(0, num_classes, (batch, ))
        samples = [DataSample().set_gt_label(int(i)) for i in labels]
        steps = {}
        for kind in ('ce', 'bcl'):
            model = build(kind, backbone, in_ch, num_classes,
                          feat_dim).to(device)
            optim = OptimWrapper(
                torch.optim.SGD(model.parameters(), lr=1e-3, momentum=0.9))
            data = (dict(inputs=views, data_samples=samples) if kind == 'bcl'
                    else dict(inputs=torch.cat(views),
                              data_samples=samples * 3))
            steps[kind] = (lambda m=model, d=data, o=optim: m.train_step(d, o))
        times = interleaved(steps, rounds, timer, warmup=1)
        med = {k: statistics.median(v) for k, v in times.items()}
        print(f'| {name} | {batch} | {med["ce"]:.3f} | {med["bcl"]:.3f} | '
              f'{ratio(times, "bcl", "ce"):.3f} |')
