"""The gpu-aug recipes: the workers draw each image's plan, the device
applies the batch's plans. Their views equal the CPU recipes' views in
distribution, image by image; the device side draws nothing, reads nothing
back, copies each batch tensor once, and launches a bounded number of ops.
"""
import os.path as osp
import random
from collections import Counter

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.dataset import Compose, default_collate
from mmengine.registry import DefaultScope
from torch.utils._python_dispatch import TorchDispatchMode

import mmbcl  # noqa: F401
from mmbcl.models.utils import PlanApplier, draw_and_apply
from mmpretrain.registry import MODELS, TRANSFORMS

from .test_batch_augments import test_batch_ops

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.dirname(
    osp.abspath(__file__)))))
# gpu-aug recipe -> the CPU recipe it moves to the device, and its size
RECIPES = {
    'resnext50_imagenet_lt_gpu-aug': ('resnext50_imagenet_lt', 64),
    'resnet32_cifar100_lt_r100_gpu-aug': ('resnet32_cifar100_lt_r100', 32),
}
ALL = sorted(RECIPES) + ['resnet8_synthetic_lt_demo_gpu-aug']


def config(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{name}.py'))


def photo(seed, size):
    return test_batch_ops.photo(seed, size, size, block=8)


def build_preprocessor(cfg):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(cfg)


def cpu_views(name):
    """The CPU recipe's views, as (crop + flip, photometric rest)."""
    multi_view = config(name).train_dataloader.dataset.pipeline
    multi_view = next(t for t in multi_view if t['type'] == 'MultiView')
    return [(view[:2], view[2:]) for view in multi_view['transforms']]


def pipeline_of(name, crop):
    """The gpu-aug recipe's train pipeline, images given in memory, its
    crops shrunk to ``crop`` pixels."""
    steps = [t for t in config(name).train_dataloader.dataset.pipeline
             if t['type'] != 'LoadImageFromFile']
    for view in steps[0]['transforms']:
        for t in view:
            if t['type'] == 'RandomResizedCrop':
                t['scale'] = crop
            elif t['type'] == 'RandomCrop':
                t['crop_size'] = crop
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return Compose(steps)


def batch(name, num, size, seed=0, same_image=False, crop=None):
    """``num`` images of ``size`` pixels through the recipe's CPU side (as
    a seeded worker would; crops of ``crop`` pixels, default ``size``) and
    ``default_collate``, as the dataloader hands them over."""
    pipeline = pipeline_of(name, crop or size)
    np.random.seed(seed)
    random.seed(seed)
    items = [pipeline(dict(img=photo(0 if same_image else i, size),
                           gt_label=i % 10)) for i in range(num)]
    return default_collate(items)


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_gpu_aug_recipe_splits_the_cpu_recipe(name):
    """CPU side: the CPU recipe's crop and flip, and the plan draw of the
    rest of each view; device side: the same transform configs."""
    cfg = config(name)
    reference = cpu_views(RECIPES[name][0])
    pipeline = cfg.train_dataloader.dataset.pipeline
    multi_view = next(t for t in pipeline if t['type'] == 'MultiView')
    assert multi_view['num_views'] == [1, 2]
    assert multi_view['transforms'] == [reference[0][0], reference[1][0]]
    draw = next(t for t in pipeline if t['type'] == 'DrawAugmentPlans')
    expected = [reference[0][1], reference[1][1], reference[1][1]]
    assert draw['view_augments'] == expected
    assert cfg.data_preprocessor.view_augments == expected
    assert cfg.data_preprocessor.type == 'DeviceAugmentDataPreprocessor'
    assert cfg.train_dataloader.pin_memory
    assert cfg.train_dataloader.collate_fn == dict(type='default_collate')


@pytest.mark.parametrize('name', sorted(RECIPES))
def test_device_views_equal_the_cpu_views_seed_by_seed(name):
    """Seeded alike, each view's plan draws what the CPU transforms draw
    and the device gives the same image: mean absolute difference per image
    at most 5 grey levels, median at most 1.5 (mmcv rounds to uint8 after
    each op; the device keeps floats)."""
    size = RECIPES[name][1]
    for augments in config(name).data_preprocessor.view_augments[:2]:
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            cpu = Compose(augments)
        images = [photo(seed, size) for seed in range(40)]
        refs = []
        for seed, img in enumerate(images):
            np.random.seed(seed)
            random.seed(seed)
            refs.append(cpu(dict(img=img.copy()))['img'])
        out = test_batch_ops.to_images(draw_and_apply(
            augments, test_batch_ops.to_batch(images), range(40)))
        means = [np.abs(o - r).mean() for o, r in zip(out, refs)]
        assert max(means) <= 5 and np.median(means) <= 1.5, means


def test_views_of_one_image_differ_within_a_batch():
    data = batch('resnet32_cifar100_lt_r100_gpu-aug', 16, 32,
                 same_image=True)
    pre = build_preprocessor(
        config('resnet32_cifar100_lt_r100_gpu-aug').data_preprocessor)
    out = pre(data, training=True)['inputs']
    for view in out:  # 16 copies of one image, per-image plans
        distinct = {tuple(v.flatten().tolist()) for v in view}
        assert len(distinct) >= 10
    assert not torch.equal(out[1], out[2])


@pytest.mark.parametrize('name', ALL)
def test_the_batch_is_each_image_on_its_own(name):
    """Applying the whole batch at once gives, for every image, what its
    own plan alone gives (no image's op reaches another), and an empty
    plan leaves an image exactly as it was."""
    size = RECIPES.get(name, (None, 32))[1]
    for augments in config(name).data_preprocessor.view_augments:
        applier = PlanApplier(augments)
        np.random.seed(1)
        random.seed(1)
        records = np.stack([applier.layout.draw(size, size)
                            for _ in range(6)])
        x = test_batch_ops.to_batch([photo(i, size) for i in range(6)])
        whole = applier(x, torch.from_numpy(records))
        for i in range(6):
            alone = applier(x[i:i + 1], torch.from_numpy(records[i:i + 1]))
            assert torch.equal(whole[i:i + 1], alone)
        empty = np.stack([np.concatenate([s.off() for s in
                                          applier.layout.stages])
                          if applier.layout.size else np.zeros(0)] * 6)
        assert torch.equal(applier(x, torch.from_numpy(
            empty.astype(np.float32))), x)


def test_the_main_process_draws_nothing():
    """The device side is a function of the batch: the same batch gives
    the same views, and NumPy's and ``random``'s states are untouched."""
    data = batch('resnext50_imagenet_lt_gpu-aug', 4, 48)
    pre = build_preprocessor(
        config('resnext50_imagenet_lt_gpu-aug').data_preprocessor)
    np_state, py_state = np.random.get_state(), random.getstate()
    torch_state = torch.get_rng_state()
    first, again = (pre(data, training=True)['inputs'] for _ in range(2))
    assert all(torch.equal(a, b) for a, b in zip(first, again))
    assert np.array_equal(np.random.get_state()[1], np_state[1])
    assert random.getstate() == py_state
    assert torch.equal(torch.get_rng_state(), torch_state)


def test_validation_and_single_view_batches_pass_through():
    cfg = config('resnext50_imagenet_lt_gpu-aug').data_preprocessor
    pre = build_preprocessor(cfg)
    plain = build_preprocessor({
        k: v
        for k, v in cfg.items() if k not in ('view_augments', 'hwc_inputs')
    } | dict(type='MultiViewDataPreprocessor'))
    views = [torch.from_numpy(photo(0, 16)).permute(2, 0, 1)[None].repeat(
        2, 1, 1, 1) for _ in range(3)]  # the test pipeline's layout
    for training in (False, True):
        single = dict(inputs=views[0], data_samples=None)
        torch.testing.assert_close(
            pre(single, training)['inputs'], plain(single,
                                                   training)['inputs'])
    out = pre(dict(inputs=views, data_samples=None), False)['inputs']
    ref = plain(dict(inputs=views, data_samples=None), False)['inputs']
    assert all(torch.equal(a, b) for a, b in zip(out, ref))


@pytest.mark.parametrize('view_augments, match', [
    ([[dict(type='RandomErasing', erase_prob=0.5)]], 'RandomErasing'),
    ([[dict(type='RandAugment', policies=[dict(type='Cutout', shape=8)],
            num_policies=1, magnitude_level=5)]], 'Cutout'),
    (dict(type='ColorJitter'), 'one list of transform configs per view'),
])
@pytest.mark.parametrize('where', ['DeviceAugmentDataPreprocessor',
                                   'DrawAugmentPlans'])
def test_unsupported_transforms_fail_at_build(view_augments, match, where):
    with pytest.raises(ValueError, match=match):
        if where == 'DrawAugmentPlans':
            with DefaultScope.overwrite_default_scope('mmpretrain'):
                TRANSFORMS.build(dict(type=where,
                                      view_augments=view_augments))
        else:
            build_preprocessor(dict(type=where, view_augments=view_augments))


def test_a_batch_without_plans_or_with_other_views_is_refused():
    data = batch('resnet8_synthetic_lt_demo_gpu-aug', 2, 32)
    cfg = config('resnet8_synthetic_lt_demo_gpu-aug').data_preprocessor
    pre = build_preprocessor(dict(cfg, view_augments=[[], []]))
    with pytest.raises(ValueError, match='the batch has 3 views'):
        pre(data, True)
    pre = build_preprocessor(cfg)
    with pytest.raises(ValueError, match="no 'augment_plans'.*"
                       'DrawAugmentPlans'):
        pre(dict(data, augment_plans=None), True)
    longer = [[dict(type='RandAugment', policies='timm_increasing',
                    num_policies=2, magnitude_level=5)]] * 3
    pre = build_preprocessor(dict(cfg, view_augments=longer))
    with pytest.raises(ValueError, match='same view_augments'):
        pre(data, True)


@pytest.mark.parametrize('hwc_inputs', [True, False])
def test_layout_not_matching_the_packing_is_refused(hwc_inputs):
    cfg = config('resnet8_synthetic_lt_demo_gpu-aug').data_preprocessor
    pre = build_preprocessor(dict(cfg, hwc_inputs=not hwc_inputs))
    data = batch('resnet8_synthetic_lt_demo_gpu-aug', 2, 32)
    if not hwc_inputs:  # what PackInputs would have given
        pre = build_preprocessor(dict(cfg, hwc_inputs=True))
        data['inputs'] = [v.permute(0, 3, 1, 2) for v in data['inputs']]
    with pytest.raises(ValueError, match='hwc_inputs must match'):
        pre(data, True)


def test_hwc_and_chw_packing_give_the_same_batch():
    cfg = config('resnet32_cifar100_lt_r100_gpu-aug').data_preprocessor
    data = batch('resnet32_cifar100_lt_r100_gpu-aug', 4, 32)
    chw = dict(data, inputs=[v.permute(0, 3, 1, 2).contiguous()
                             for v in data['inputs']])
    out = {True: build_preprocessor(dict(cfg, hwc_inputs=True))(data, True),
           False: build_preprocessor(dict(cfg, hwc_inputs=False))(chw, True)}
    assert all(torch.equal(a, b) for a, b in zip(out[True]['inputs'],
                                                 out[False]['inputs']))


def test_runs_in_fp32_inside_autocast():
    """The preprocessor runs inside the AMP context: the augmentation keeps
    fp32 (bf16 autocast on the CPU here)."""
    augments = config('resnext50_imagenet_lt_gpu-aug').data_preprocessor
    x = test_batch_ops.to_batch([photo(i, 48) for i in range(4)])
    with torch.autocast('cpu', dtype=torch.bfloat16):
        out = draw_and_apply(augments.view_augments[0], x, range(4))
    assert out.dtype == torch.float32
    torch.testing.assert_close(out, draw_and_apply(
        augments.view_augments[0], x, range(4)))


@pytest.mark.parametrize('name', ALL)
def test_every_view_runs_on_meta_tensors(name):
    """No op reads a value back to the host or mixes in a CPU tensor: the
    views run on PyTorch's ``meta`` device."""
    for augments in config(name).data_preprocessor.view_augments:
        applier = PlanApplier(augments)
        records = torch.empty(32, max(applier.layout.size, 1),
                              device='meta')
        out = applier(torch.empty(32, 3, 16, 16, device='meta'), records)
        assert out.device.type == 'meta' and out.shape == (32, 3, 16, 16)


class Recorder(TorchDispatchMode):
    """Every aten op, and every copy from the CPU to another device."""

    def __init__(self):
        super().__init__()
        self.ops = Counter()
        self.views = 0
        self.uploads = []

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        self.ops[str(func)] += 1
        self.views += func.is_view  # metadata only: no kernel launched
        name = str(func)
        if name.startswith(('aten._to_copy', 'aten.copy_')):
            source = args[1] if name.startswith('aten.copy_') else args[0]
            target = (args[0].device if name.startswith('aten.copy_') else
                      kwargs.get('device', source.device))
            if source.device.type == 'cpu' and \
                    torch.device(target).type != 'cpu':
                self.uploads.append((name, tuple(source.shape),
                                     kwargs.get('non_blocking', False)))
        return func(*args, **kwargs)


def on_meta(name, num, size):
    """The recipe's preprocessor on the ``meta`` device (the stand-in for
    a GPU here) and a batch from its CPU side."""
    pre = build_preprocessor(config(name).data_preprocessor).to('meta')
    return pre, batch(name, num, size)


@pytest.mark.parametrize('name', ALL)
def test_one_non_blocking_copy_per_batch_tensor(name):
    """A training batch crosses to the device as 3 views, the plans and
    the labels: five copies, all non-blocking, none per sample; the
    constants were copied once, before (before this change a batch of B
    images made B blocking label copies and ~25 blocking parameter
    copies)."""
    pre, data = on_meta(name, 8, 32)
    pre(data, True)  # the first batch copies the per-device constants
    with Recorder() as recorder:
        out = pre(batch(name, 8, 32), True)
    shapes = sorted(shape for _, shape, _ in recorder.uploads)
    assert shapes == sorted([tuple(data['augment_plans'].shape), (8, )] +
                            [(8, 32, 32, 3)] * 3), recorder.uploads
    assert data['inputs'][0].shape == (8, 32, 32, 3)
    assert all(non_blocking for _, _, non_blocking in recorder.uploads)
    assert out['data_samples'][0].gt_label.device.type == 'meta'


#: kernel-launching aten ops (view ops, metadata only, left out: torch 2.6
#: dispatches 4-5 more ``aten.slice`` than 2.14 for the same code) of each
#: view's PlanApplier at most. Measured on torch 2.6 and 2.14 alike:
#: ImageNet-LT classification view 157, sim 98; CIFAR classification 130,
#: sim 111; the demo's sim 98. A ceiling so that a change that adds ops
#: shows.
OPS_PER_VIEW = {'resnext50_imagenet_lt_gpu-aug': (158, 99, 99),
                'resnet32_cifar100_lt_r100_gpu-aug': (131, 112, 112),
                'resnet8_synthetic_lt_demo_gpu-aug': (2, 99, 99)}


@pytest.mark.parametrize('name', ALL)
def test_aten_ops_per_view_are_bounded(name):
    augments = config(name).data_preprocessor.view_augments
    for v, (view, ceiling) in enumerate(zip(augments, OPS_PER_VIEW[name])):
        applier = PlanApplier(view)
        x = torch.empty(8, 3, 16, 16, device='meta')
        records = torch.empty(8, max(applier.layout.size, 1), device='meta')
        applier(x, records)
        with Recorder() as recorder:
            applier(x, records)
        launched = sum(recorder.ops.values()) - recorder.views
        assert launched <= ceiling, (v, recorder.ops)
    # the target: the whole preprocessor (copies, layout,
    # augmentation, normalisation) launches at most 150 ops a view; all
    # aten ops, views included, stay under it too on torch 2.14 (144 and
    # 149 a view), not on torch 2.6 (CIFAR 151.7)
    pre, data = on_meta(name, 8, 32)
    pre(data, True)
    data = batch(name, 8, 32)
    with Recorder() as recorder:
        pre(data, True)
    launched = sum(recorder.ops.values()) - recorder.views
    assert launched / len(augments) <= 150, (launched, recorder.ops)
