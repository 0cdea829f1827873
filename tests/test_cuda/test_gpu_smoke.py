"""The GPU smoke suite: mmbcl where users run it (skipped without CUDA).

Run it on a GPU machine with ``python -m pytest -m cuda tests -v``:

* the hooks' state on the GPU and the whole head loss there;
* the demo trains a few iterations in fp32, fp16 AMP and bf16 AMP, and
  ``tools/test.py`` evaluates its checkpoint;
* the ImageNet-LT ResNeXt-50 recipe, and its gpu-aug variant, train 5
  iterations with AMP on generated 224 px images;
* device-side augmentation gives the same views on the GPU as on the CPU,
  and a pinned training batch goes through it without a host sync
  (``torch.cuda.set_sync_debug_mode('error')``);
* ConCutMix: the demo trains across its warm-up with AMP, and a pasted
  batch and the rectified label's loss make no host sync;
* the loss and device-augmentation benchmarks run with ``--device cuda``
  (``-s`` prints the latter's rows: the share of a ResNeXt-50 AMP step).
"""
import glob
import json
import os.path as osp
import subprocess
import sys

import pytest
import torch

from tests.test_tools.test_dist import make_tree

pytestmark = pytest.mark.cuda

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'
SHORT_DEMO = [
    'train_dataloader.dataset.n_max=150', 'train_dataloader.num_workers=2',
    'val_dataloader.dataset.test_per_class=10', 'train_cfg.max_epochs=2',
    'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2',
    'default_hooks.logger.interval=1'
]


def run(*args, timeout=600):
    proc = subprocess.run([sys.executable, *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=timeout)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def logged_losses(work_dir):
    losses = []
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        with open(path) as f:
            losses += [json.loads(line)['loss'] for line in f
                       if '"loss"' in line]
    return losses


def test_state_and_loss_on_the_gpu():
    from mmbcl.engine.hooks import ClassCountsHook
    from mmpretrain.structures import DataSample
    from tests.test_engine.test_hooks.test_class_counts_hook import (
        demo_model, every_tensor, fake_runner)
    model = demo_model().cuda()
    ClassCountsHook().before_train(fake_runner(model))
    assert {t.device.type for _, t in every_tensor(model)} == {'cuda'}
    feats = torch.randn(12, model.head.in_channels, device='cuda',
                        requires_grad=True)
    samples = [DataSample().set_gt_label(i % 10) for i in range(4)]
    losses = model.head.loss((feats, ), samples)
    sum(losses.values()).backward()
    assert all(torch.isfinite(v) for v in losses.values())


@pytest.mark.parametrize('precision', ['fp32', 'fp16', 'bf16'])
def test_demo_trains_and_tests_on_cuda(tmp_path, precision):
    work_dir = str(tmp_path)
    extra = {'fp32': [], 'fp16': ['--amp'],
             'bf16': ['--amp']}[precision]
    options = list(SHORT_DEMO)
    if precision == 'bf16':
        options.append('optim_wrapper.dtype=bfloat16')
    run('tools/train.py', DEMO, '--work-dir', work_dir, *extra,
        '--cfg-options', *options)
    losses = logged_losses(work_dir)
    assert losses and all(map(torch.isfinite, torch.tensor(losses)))
    out = run('tools/test.py', DEMO, osp.join(work_dir, 'epoch_2.pth'),
              '--work-dir', str(tmp_path / 'test'), '--cfg-options',
              'test_dataloader.dataset.test_per_class=10')
    assert 'shot/top1' in out


@pytest.mark.parametrize('recipe', ['', '_gpu-aug'])
def test_resnext50_imagenet_lt_amp_5_iterations(tmp_path, recipe):
    root = str(tmp_path / 'data')
    make_tree(root, size=(256, 320))
    work_dir = str(tmp_path / 'work')
    config = f'tests/data/resnext50_imagenet_lt{recipe}_5iters.py'
    run('tools/train.py', config,
        '--work-dir', work_dir, '--amp', '--cfg-options',
        f'train_dataloader.dataset.data_root={root}')
    losses = logged_losses(work_dir)
    assert len(losses) == 5 and all(map(torch.isfinite,
                                        torch.tensor(losses)))
    assert osp.isfile(osp.join(work_dir, 'iter_5.pth'))


GPU_AUG = [
    'resnext50_imagenet_lt_gpu-aug', 'resnet32_cifar100_lt_r100_gpu-aug'
]


@pytest.mark.parametrize('recipe', GPU_AUG)
def test_device_augment_on_cuda_equals_cpu(recipe):
    """The same plans give the same views on the GPU as on the CPU."""
    from mmengine.config import Config

    from mmbcl.models.utils import draw_and_apply
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{recipe}.py'))
    size = 224 if 'imagenet' in recipe else 32
    g = torch.Generator().manual_seed(0)
    x = torch.randint(0, 256, (16, 3, size, size), generator=g).float()
    for augments in cfg.data_preprocessor.view_augments:
        seeds = range(7, 7 + len(x))
        cpu = draw_and_apply(augments, x, seeds)
        gpu = draw_and_apply(augments, x.cuda(), seeds).cpu()
        assert (cpu - gpu).abs().mean() < 0.05
        assert (cpu - gpu).abs().max() <= 2.0


@pytest.mark.parametrize('recipe', GPU_AUG)
def test_gpu_aug_training_batch_never_syncs(recipe):
    """A pinned training batch of the recipe through its preprocessor
    with CUDA's sync debug mode set to raise: no blocking copy to the
    device, no read back (the CPU tests count the copies on ``meta``)."""
    sys.path.insert(0, osp.join(ROOT, 'benchmarks'))
    from benchmark_device_augment import preprocessor, recipe_batch
    from mmengine.utils import apply_to
    pre = preprocessor(recipe).cuda()
    first, data = (apply_to(recipe_batch(recipe, 32, seed=s),
                            lambda x: isinstance(x, torch.Tensor),
                            lambda x: x.pin_memory()) for s in (0, 1))
    pre(first, True)  # the first batch copies the per-device constants
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode('error')
    try:
        out = pre(data, True)
    finally:
        torch.cuda.set_sync_debug_mode('default')
    assert out['inputs'][0].is_cuda
    assert out['data_samples'][0].gt_label.is_cuda


def test_loss_benchmark_on_cuda():
    out = run('benchmarks/benchmark.py', '--only', 'loss',
              '--device', 'cuda', '--rounds', '5')
    assert 'CIFAR-10' in out and 'iNaturalist' in out


def test_device_aug_benchmark_on_cuda():
    out = run('benchmarks/benchmark.py', '--only', 'device-aug',
              '--device', 'cuda', '--aug-batch', '32,256')
    print(out)  # the GPU rows of benchmarks/README.md (run with -s)
    assert out.count('% of the step') == 2, out


def test_concutmix_demo_trains_on_cuda_across_the_warm_up(tmp_path):
    """Every batch pasted; the area label in epoch 1, the rectified one in
    epoch 2; fp16 AMP."""
    options = [o.replace('train_dataloader.dataset.',
                         'train_dataloader.dataset.dataset.')
               for o in SHORT_DEMO] + [
                   'train_dataloader.sampler.cutmix_prob=1.0',
                   'model.head.mix_label.warmup_epochs=1']
    run('tools/train.py', 'configs/concutmix/resnet8_synthetic_lt_demo.py',
        '--work-dir', str(tmp_path), '--amp', '--cfg-options', *options)
    losses = logged_losses(str(tmp_path))
    assert losses and all(map(torch.isfinite, torch.tensor(losses)))


def test_concutmix_pasted_step_never_syncs():
    """A pinned, pasted gpu-aug batch through the preprocessor (the plan
    read on the host), then the rectified label's loss, forward and
    backward, under CUDA's sync debug mode set to raise."""
    from mmengine.logging import MessageHub
    from mmengine.utils import apply_to

    from mmpretrain.registry import MODELS
    from tests.test_models.test_heads.test_bcl_head import CONCUTMIX_HEAD
    from tests.test_models.test_utils.test_batch_augments import \
        test_balanced_cutmix as paste_tests
    MessageHub.get_current_instance().update_info('epoch', 9)
    head = MODELS.build(dict(CONCUTMIX_HEAD, num_classes=5,
                             loss=dict(type='LogitAdjustLoss',
                                       class_counts=[40, 20, 5, 2, 1]))).cuda()
    head.mix_label.set_class_counts([40, 20, 5, 2, 1])
    pre = MODELS.build(dict(paste_tests.PREPROCESSORS['gpu-aug'],
                            mean=[0, 0, 0], std=[1, 1, 1])).cuda()
    feats = torch.randn(3 * paste_tests.B, 16, device='cuda',
                        requires_grad=True)
    for attempt in range(2):  # the first call builds per-device constants
        data = paste_tests.batch(True, hwc=True)
        data.update(labels=torch.tensor([[0], [1], [2], [3]]),
                    augment_plans=torch.zeros(paste_tests.B, 3, 1),
                    paste_augment_plans=torch.zeros(paste_tests.B, 1, 1))
        data = apply_to(data, lambda x: isinstance(x, torch.Tensor),
                        lambda x: x.pin_memory())
        if attempt:
            torch.cuda.synchronize()
            torch.cuda.set_sync_debug_mode('error')
        try:
            samples = pre(data, True)['data_samples']
            assert samples[0].gt_score.is_cuda
            sum(head.loss((feats, ), samples).values()).backward()
        finally:
            torch.cuda.set_sync_debug_mode('default')
