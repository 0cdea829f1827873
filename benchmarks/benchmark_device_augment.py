"""Device-side augmentation of the gpu-aug recipes (part of benchmark.py).

1. **Time per training iteration**: what the training process spends
   in ``DeviceAugmentDataPreprocessor`` for one batch from the recipe's
   own CPU side, with the CPU as the device, crops shrunk to 16 px (and to
   4 px, where what remains is mostly the per-op host overhead a GPU
   would wait for), one thread, median over rounds: the ImageNet-LT recipe
   (32 images a GPU x 3 views) and the CIFAR-100-LT recipe (256 x 3).
   Beside it the aten ops it launches and the copies it makes to the
   device (counted on the ``meta`` device, the stand-in for a GPU here).
2. **Pixel work at 224 px**: one ImageNet-LT batch (B images x 3 views) on
   ``--device``: mmbcl's plans; the torchvision v2 functional ops one
   image at a time (per-image parameters need a loop); kornia's batched
   ColorJiggle + RandomGrayscale for the two sim views only (its
   RandAugment draws one op for the whole batch, which changes the
   method), if kornia is installed.
3. On CUDA: a ResNeXt-50 AMP training step of the recipe, with and without
   the device augmentation: its share of the step and images per second.
"""
import os
import os.path as osp
import random
import statistics
import time
from collections import Counter

import numpy as np
import torch
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
RECIPE = osp.join(ROOT, 'configs', 'bcl', 'resnext50_imagenet_lt_gpu-aug.py')
RECIPES = {  # name: images per GPU in the recipe
    'resnext50_imagenet_lt_gpu-aug': 32,
    'resnet32_cifar100_lt_r100_gpu-aug': 256,
}


def config(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{name}.py'))


def recipe_batch(name, num, crop=16, seed=0):
    """``num`` images through the recipe's CPU side (a worker's work:
    crop, flip, plans drawn), crops of ``crop`` px, ``default_collate``d."""
    from mmengine.dataset import Compose, default_collate
    from mmengine.registry import DefaultScope
    steps = [t for t in config(name).train_dataloader.dataset.pipeline
             if t['type'] != 'LoadImageFromFile']
    for view in steps[0]['transforms']:
        for t in view:
            if t['type'] == 'RandomResizedCrop':
                t['scale'] = crop
            elif t['type'] == 'RandomCrop':
                t['crop_size'] = crop
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        pipeline = Compose(steps)
    rng = np.random.RandomState(seed)
    np.random.seed(seed)
    random.seed(seed)
    return default_collate([
        pipeline(dict(img=rng.randint(0, 256, (2 * crop, 2 * crop, 3),
                                      np.uint8), gt_label=i % 100))
        for i in range(num)])


def preprocessor(name, **overrides):
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import MODELS
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(dict(config(name).data_preprocessor, **overrides))


class Counting(torch.utils._python_dispatch.TorchDispatchMode):
    """aten ops, and copies from the CPU to another device."""

    def __init__(self):
        super().__init__()
        self.ops, self.uploads = Counter(), 0

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        self.ops[str(func)] += 1
        if str(func).startswith('aten._to_copy') and \
                args[0].device.type == 'cpu' and \
                torch.device(kwargs.get('device', 'cpu')).type != 'cpu':
            self.uploads += 1
        elif str(func).startswith('aten.copy_') and \
                args[1].device.type == 'cpu' and args[0].device.type != 'cpu':
            self.uploads += 1
        return func(*args, **kwargs)


def host_time(pre, data, rounds=15):
    """Median seconds of ``pre(data, True)`` (one training batch) with the
    CPU as the device."""
    pre(data, True)
    times = []
    for _ in range(rounds):
        begin = time.perf_counter()
        pre(data, True)
        times.append(time.perf_counter() - begin)
    return statistics.median(times)


def counted(pre, data, views):
    """(aten ops per iteration, per view, copies to the device) of one
    training batch on the ``meta`` device (the stand-in for a GPU: its ops
    dispatch without computing)."""
    pre = pre.to('meta')
    pre(data, True)
    with Counting() as counter:
        pre(data, True)
    total = sum(counter.ops.values())
    return total, total / views, counter.uploads


def bench_host_overhead(recipes=None, rounds=15):
    """The time-per-iteration table, for ``recipes`` (name: images a
    device; default :data:`RECIPES`)."""
    torch.set_num_threads(1)
    rows = []
    for name, per_gpu in (recipes or RECIPES).items():
        # a fresh batch each time: the preprocessor moves labels
        times = [host_time(preprocessor(name), recipe_batch(
            name, per_gpu, crop), rounds) for crop in (16, 4)]
        rows.append((name, per_gpu, 'mmbcl: plans drawn in the workers',
                     *times, *counted(preprocessor(name),
                                      recipe_batch(name, per_gpu), 3)))
    print('\n### Device augmentation: time per training iteration in the '
          f'training process, the recipe\'s CPU side, one thread (median of '
          f'{rounds})\n')
    print('The CPU is the device here, so the time includes the pixel '
          'work; with crops of 4 px it is mostly the per-op host overhead '
          'that a GPU would wait for. Ops and copies are counted on the '
          '`meta` device.\n')
    print('| recipe | images x 3 views | implementation | ms / iteration, '
          '16 px | ms / iteration, 4 px | aten ops / iteration | / view | '
          'copies to the device / iteration |')
    print('|---|---|---|---|---|---|---|---|')
    for name, batch, impl, at16, at4, ops, per_view, uploads in rows:
        print(f'| {name} | {batch} | {impl} | {1e3 * at16:.1f} | '
              f'{1e3 * at4:.1f} | {ops} | {per_view:.0f} | {uploads} |')


def views(batch, device, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randint(0, 256, (batch, 3, 224, 224), dtype=torch.uint8,
                      generator=g).to(device) for _ in range(3)
    ]


def ours(cfg, batch, device):
    """mmbcl's device half: the plans drawn here once, as the workers
    would, then applied to the batch on ``device`` (what is timed)."""
    from mmbcl.models.utils import PlanApplier
    appliers = [PlanApplier(v) for v in cfg.data_preprocessor.view_augments]
    records = [
        torch.from_numpy(np.stack([a.layout.draw(224, 224)
                                   for _ in range(batch)])).to(device)
        if a.layout.size else None for a in appliers
    ]

    def run(batch_views):
        return [a(view.float(), r) if r is not None else view.float()
                for a, view, r in zip(appliers, batch_views, records)]

    return run


def torchvision_loop():
    """The recipe's ops through torchvision v2 functional, image by image
    (parameters drawn with NumPy like the recipe's; RandAugment as 2 of
    its ops at the recipe's magnitude)."""
    from torchvision.transforms.v2 import functional as TF
    rng = np.random.RandomState(0)

    def jitter(img, hue):
        for i in rng.permutation(4):
            if i == 0:
                img = TF.adjust_brightness(img, rng.uniform(0.6, 1.4))
            elif i == 1:
                img = TF.adjust_contrast(img, rng.uniform(0.6, 1.4))
            elif i == 2:
                img = TF.adjust_saturation(img, rng.uniform(0.6, 1.4))
            elif hue:
                img = TF.adjust_hue(img, rng.uniform(-0.1, 0.1))
        return img

    def rand_augment(img):
        for _ in range(2):
            if rng.rand() < 0.5:
                img = TF.affine(img, angle=float(rng.uniform(-30, 30)),
                                translate=[0, 0], scale=1.0, shear=[0.0])
            else:
                img = TF.posterize(img, int(rng.randint(4, 8)))
        return img

    def run(batch_views):
        out = [
            torch.stack([rand_augment(jitter(img, False)) for img in
                         batch_views[0]])
        ]
        for view in batch_views[1:]:
            imgs = []
            for img in view:
                if rng.rand() < 0.8:
                    img = jitter(img, True)
                if rng.rand() < 0.2:
                    img = TF.rgb_to_grayscale(img, num_output_channels=3)
                imgs.append(img)
            out.append(torch.stack(imgs))
        return out

    return run


def kornia_sim():
    try:
        import kornia.augmentation as K
    except ImportError:
        return None
    aug = torch.nn.Sequential(
        K.ColorJiggle(0.4, 0.4, 0.4, 0.1, p=0.8),
        K.RandomGrayscale(p=0.2))

    def run(batch_views):
        return [aug(v.float() / 255) for v in batch_views[1:]]

    return run


def recipe_model(cfg):
    """The recipe's model taking ready (already augmented) views: its
    preprocessor without the device augmentation, for ``PackInputs``'
    layout."""
    from mmengine.registry import DefaultScope

    from mmpretrain.registry import MODELS
    preprocessor = {
        k: v
        for k, v in cfg.data_preprocessor.items()
        if k not in ('view_augments', 'hwc_inputs', 'non_blocking')
    }
    preprocessor['type'] = 'MultiViewDataPreprocessor'
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(dict(cfg.model, data_preprocessor=preprocessor))
    model.head.loss_module.set_class_counts(range(1, 1001))
    return model


def resnext_amp_step(cfg, batch, device):
    """One ResNeXt-50 AMP training step of the recipe on ready views."""
    from mmengine.optim import AmpOptimWrapper

    from mmpretrain.structures import DataSample
    model = recipe_model(cfg).to(device)
    optim = AmpOptimWrapper(optimizer=torch.optim.SGD(
        model.parameters(), lr=1e-3, momentum=0.9))
    data = dict(inputs=views(batch, device),
                data_samples=[DataSample().set_gt_label(i % 1000)
                              for i in range(batch)])
    return lambda: model.train_step(data, optim)


def bench_device_augment(device, batches=(32, ), rounds=3, host=True):
    """The host-time table (on the CPU, if ``host``), then the 224 px table
    for each batch size in ``batches`` (images a device) and, on CUDA, the
    ResNeXt-50 step rows."""
    if device.type == 'cpu' and host:
        bench_host_overhead()
    cfg = Config.fromfile(RECIPE)
    for batch in batches:
        bench_224(cfg, device, batch, rounds)


def bench_224(cfg, device, batch, rounds):
    from benchmark import Timer
    timer = Timer(device)
    runs = dict(mmbcl_plans=ours(cfg, batch, device))
    if device.type == 'cpu':  # its per-image loop is host work anyway
        runs['torchvision_v2_per_image_loop'] = torchvision_loop()
    kornia = kornia_sim()
    if kornia is not None:
        runs['kornia_sim_views_only'] = kornia
    data = views(batch, device)
    times = {}
    for name, fn in runs.items():
        fn(data)  # warm-up
        times[name] = statistics.median(
            timer(lambda f=fn: f(data)) for _ in range(rounds))
    print(f'\n### Device-side augmentation of one gpu-aug batch: {batch} '
          f'images x 3 views, 224 px, {device.type}\n')
    print('| implementation | what it covers | s / batch | ms / image-view |')
    print('|---|---|---|---|')
    covers = dict(
        mmbcl_plans='all 3 views, per-image ops (the recipe; plans drawn '
        'beforehand, as the workers do)',
        torchvision_v2_per_image_loop='all 3 views, a reduced RandAugment',
        kornia_sim_views_only='the 2 sim views only')
    for name, seconds in times.items():
        n = batch * (2 if 'sim_views' in name else 3)
        print(f'| {name} | {covers[name]} | {seconds:.3f} | '
              f'{1e3 * seconds / n:.2f} |')
    if device.type == 'cuda':
        step = resnext_amp_step(cfg, batch, device)
        step()
        step_time = statistics.median(timer(step) for _ in range(rounds))
        share = times['mmbcl_plans'] / step_time
        with_aug = step_time + times['mmbcl_plans']
        print(f'\nResNeXt-50 AMP training step, B = {batch} x 3 views: '
              f'{step_time:.3f} s ({batch / step_time:.0f} images/s); with '
              f'the device augmentation {with_aug:.3f} s '
              f'({batch / with_aug:.0f} images/s): {100 * share:.1f} % of '
              'the step')


if __name__ == '__main__':
    os.environ.setdefault('OMP_NUM_THREADS', '1')
    bench_host_overhead()
