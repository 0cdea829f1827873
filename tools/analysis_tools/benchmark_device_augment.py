"""Device-side augmentation of the gpu-aug recipe (part of benchmark.py).

Times the photometric work of one training batch of
``configs/bcl/resnext50_imagenet_lt_gpu-aug.py`` (B images x 3 views at
224 px) on ``--device``, three ways:

* mmbcl's ``DeviceAugment`` (per-image draws, vectorised ops);
* torchvision.transforms.v2 functional ops, one image at a time (its ops
  take one parameter per call, so per-image parameters need a loop);
* kornia's batched ColorJiggle + RandomGrayscale for the two "sim" views
  only (kornia's RandAugment draws one op for the whole batch, which
  changes the method, so it has no classification-view row), if kornia is
  installed.

On CUDA it also times a ResNeXt-50 AMP training step of the recipe at the
same B and prints the augmentation as a fraction of it.
"""
import os.path as osp
import statistics

import numpy as np
import torch
from mmengine.config import Config

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
RECIPE = osp.join(ROOT, 'configs', 'bcl', 'resnext50_imagenet_lt_gpu-aug.py')


def views(batch, device, seed=0):
    g = torch.Generator().manual_seed(seed)
    return [
        torch.randint(0, 256, (batch, 3, 224, 224), dtype=torch.uint8,
                      generator=g).to(device) for _ in range(3)
    ]


def ours(cfg):
    from mmbcl.models.utils import DeviceAugment
    augments = [DeviceAugment(v) for v in cfg.data_preprocessor.view_augments]

    def run(batch_views):
        return [a(v.float(), seed=i) for i, (a, v) in enumerate(
            zip(augments, batch_views))]

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
        if k not in ('view_augments', 'hwc_inputs')
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


def bench_device_augment(device, batch=256, rounds=3):
    from benchmark import Timer
    cfg = Config.fromfile(RECIPE)
    timer = Timer(device)
    runs = dict(mmbcl_device_augment=ours(cfg))
    if device.type == 'cpu':  # its per-image loop is CPU-side work anyway
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
        mmbcl_device_augment='all 3 views, per-image ops (the recipe)',
        torchvision_v2_per_image_loop='all 3 views, a reduced RandAugment',
        kornia_sim_views_only='the 2 sim views only')
    for name, seconds in times.items():
        n = batch * (2 if 'sim_views' in name else 3)
        print(f'| {name} | {covers[name]} | {seconds:.3f} | '
              f'{1e3 * seconds / n:.2f} |')
    if device.type == 'cuda':
        step = resnext_amp_step(Config.fromfile(RECIPE), batch, device)
        step()
        step_time = statistics.median(timer(step) for _ in range(rounds))
        share = times['mmbcl_device_augment'] / step_time
        print(f'\nResNeXt-50 AMP training step, B = {batch} x 3 views: '
              f'{step_time:.3f} s; device augmentation = {100 * share:.1f} % '
              'of it (goal: at most 5 %)')
