"""Every config under configs/ loads and builds its model."""
import glob
import os.path as osp

import pytest
import torch
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmpretrain.registry import DATASETS, MODELS
from tests.config_cache import load_config

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
CONFIGS = sorted(
    glob.glob(osp.join(ROOT, 'configs', 'bcl', '*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'bcl', 'ablation', '*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'baselines', '*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'proco', '*.py')) +
    glob.glob(osp.join(ROOT, 'configs', 'concutmix', '*.py')))


def config_id(path):
    """``bcl/resnet32_cifar10_lt_r100.py``: unique across method folders."""
    return osp.relpath(path, osp.join(ROOT, 'configs'))


ABLATION = osp.join(ROOT, 'configs', 'bcl', 'ablation',
                    'resnet32_cifar100_lt_r100_{}.py')


def input_size(cfg):
    """The test pipeline's crop size (224 for ImageNet-style recipes)."""
    for transform in cfg.test_dataloader.dataset.pipeline:
        if transform['type'] == 'CenterCrop':
            return transform['crop_size']
    return 32


def build_model(cfg):
    model_cfg = cfg.model
    model_cfg.setdefault('data_preprocessor', cfg.get('data_preprocessor'))
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return MODELS.build(model_cfg)


@pytest.mark.parametrize('config', CONFIGS, ids=config_id)
def test_config_builds_datasets(config):
    """Every split's dataset config is complete (built lazily: no data;
    a wrapper's source dataset is the one built)."""
    cfg = load_config(config)
    assert (train_dataset_type(cfg) in EMBEDDED_DATA) == (config in EMBEDDED)
    for split in ('train', 'val', 'test'):
        dataset_cfg = cfg[f'{split}_dataloader'].dataset
        while isinstance(dataset_cfg.get('dataset'), dict):
            dataset_cfg = dataset_cfg['dataset']
        dataset_cfg = dict(dataset_cfg, lazy_init=True)
        with DefaultScope.overwrite_default_scope('mmpretrain'):
            dataset = DATASETS.build(dataset_cfg)
        assert dataset.pipeline is not None


def test_cifar_recipes():
    """The CIFAR-LT recipe values the README documents."""
    for dataset, classes in (('cifar10', 10), ('cifar100', 100)):
        for rho in (100, 50, 10):
            cfg = load_config(
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
            assert head.hidden_channels == 512  # ConCutMix, ProCo
            # BCL's own tau (the authors' loss/logitadjust.py, CUDA_LTR), not
            # ConCutMix's per-run-file tuning
            # (docs/user_guides/recipe_sources.md)
            assert head.loss.tau == 1.0
            assert head.get('cosine_classifier', True)  # --use_norm
            assert cfg.data_preprocessor.mean == [125.307, 122.961, 113.8575]
            assert cfg.data_preprocessor.std == [51.5865, 50.847, 51.255]
            views = cfg.train_dataloader.dataset.pipeline[0].transforms
            assert [t['type'] for t in views[0]] == [
                'RandomCrop', 'RandomFlip', 'AutoAugment'
            ]  # uncutout
            assert views[0][0]['padding'] == 4
            assert [t['type'] for t in views[1]] == [
                'RandomResizedCrop', 'RandomFlip', 'RandomApply',
                'RandomGrayscale', 'GaussianBlur'
            ]
            assert views[1][0]['crop_ratio_range'] == (0.2, 1.0)
            assert views[1][4]['prob'] == 0.5
            assert epoch_lrs(cfg) == pytest.approx(concutmix_lrs(0.15))
            model = build_model(cfg)
            for mlp in (model.head.contrast_mlp, model.head.proto_mlp):
                assert [mlp[0].in_features, mlp[0].out_features,
                        mlp[3].out_features] == [64, 512, 128]


@pytest.mark.parametrize('dataset, classes', [('cifar10', 10),
                                              ('cifar100', 100)])
def test_proco_cifar_recipes(dataset, classes):
    """What ProCo's CIFAR code changes in BCL's recipe
    (docs/user_guides/recipe_sources.md), for every imbalance ratio."""
    for rho in (100, 50, 10):
        cfg = load_config(
            osp.join(ROOT, 'configs', 'proco',
                     f'resnet32_{dataset}_lt_r{rho}.py'))
        assert cfg.train_dataloader.dataset.imb_factor == 1 / rho
        assert cfg.train_dataloader.dataset.type == dataset.upper() + 'LT'
        assert cfg.val_dataloader.dataset.type == dataset.upper()
        head = cfg.model.head
        assert head.num_classes == cfg.data_preprocessor.num_classes == (
            classes)
        assert head.contrast_loss == dict(type='ProCoLoss', temperature=0.1,
                                          loss_weight=1.0)
        assert (head.loss.loss_weight, head.loss.tau) == (1.0, 1.0)
        assert head.cosine_classifier is False  # use_norm False
        assert (head.feat_dim, head.hidden_channels) == (128, 512)
        assert cfg.optim_wrapper.optimizer.lr == 0.3
        assert cfg.optim_wrapper.optimizer.weight_decay == 2e-4
        assert cfg.train_dataloader.batch_size == 256
        assert epoch_lrs(cfg) == pytest.approx(concutmix_lrs(0.3))
        views = cfg.train_dataloader.dataset.pipeline[0].transforms
        assert [t['type'] for t in views[0]] == [
            'RandomCrop', 'RandomFlip', 'AutoAugment', 'Cutout']
        assert (views[0][3]['shape'], views[0][3]['pad_val'],
                views[0][3]['prob']) == (16, 0, 1.0)
        assert [t['type'] for t in views[1]] == [
            'RandomResizedCrop', 'RandomFlip', 'RandomApply',
            'RandomGrayscale']
        assert views[1][0]['crop_ratio_range'] == (0.08, 1.0)


def test_proco_large_scale_recipes():
    """ProCo's ImageNet-LT and iNaturalist scripts on BCL's recipes."""
    for name in ('resnext50_imagenet_lt', 'resnet50_imagenet_lt',
                 'resnet50_inat2018'):
        cfg = load_config(osp.join(ROOT, 'configs', 'proco', f'{name}.py'))
        head = cfg.model.head
        assert head.contrast_loss == dict(type='ProCoLoss', temperature=0.07,
                                          loss_weight=1.0)
        assert head.loss.loss_weight == 1.0
        assert (head.feat_dim, head.cosine_classifier) == (1024, True)
        assert cfg.train_dataloader.batch_size * 8 == 256
        inat = 'inat' in name
        assert cfg.optim_wrapper.optimizer.lr == (0.2 if inat else 0.1)
        assert cfg.optim_wrapper.optimizer.weight_decay == (
            1e-4 if inat else 5e-4)
        assert cfg.train_cfg.max_epochs == cfg.param_scheduler.T_max == 90
        assert cfg.model.backbone.type == (
            'ResNeXt' if 'resnext' in name else 'ResNet')


#: ConCutMix's run files: (tau, scaling_factor, topk, l_d_warm, epochs).
CONCUTMIX_RUN_FILES = {
    'resnet32_cifar10_lt_r100': (0.85, (2, 255), 3, 100, 200),
    'resnet32_cifar10_lt_r50': (0.81, (2, 255), 3, 100, 200),
    'resnet32_cifar10_lt_r10': (1.0, (2, 255), 3, 100, 200),
    'resnet32_cifar100_lt_r100': (0.9, (20, 255), 30, 100, 200),
    'resnet32_cifar100_lt_r50': (0.75, (20, 255), 30, 100, 200),
    'resnet32_cifar100_lt_r10': (1.0, (20, 255), 30, 100, 200),
    'resnext50_imagenet_lt': (0.99, (200, 255), 30, 60, 90),
    'resnet50_imagenet_lt': (0.99, (200, 255), 30, 70, 100),
    'resnet50_inat2018': (0.99, (1628, 255), 30, 80, 100),
}


@pytest.mark.parametrize('name', sorted(CONCUTMIX_RUN_FILES))
def test_concutmix_recipes(name):
    """Each ConCutMix config is the BCL config of the same name with the
    switch on and its run file's values
    (docs/user_guides/recipe_sources.md)."""
    tau, scaling, topk, l_d_warm, epochs = CONCUTMIX_RUN_FILES[name]
    cfg = load_config(osp.join(ROOT, 'configs', 'concutmix', f'{name}.py'))
    bcl = load_config(osp.join(ROOT, 'configs', 'bcl', f'{name}.py'))
    head = cfg.model.head
    assert head.loss.tau == tau
    assert head.mix_label == dict(
        type='SemanticallyConsistentLabel', scaling_factor=scaling,
        topk=topk, warmup_epochs=l_d_warm + 1)  # epoch > l_d_warm, 0-based
    assert cfg.train_cfg.max_epochs == epochs
    loader = cfg.train_dataloader
    assert loader.dataset.type == 'BalancedPasteDataset'
    assert loader.dataset.dataset == bcl.train_dataloader.dataset
    assert loader.sampler == dict(type='BalancedPasteSampler',
                                  cutmix_prob=0.5,
                                  sampler=bcl.train_dataloader.sampler)
    # everything else is BCL's recipe
    for key in ('optim_wrapper', 'data_preprocessor', 'val_dataloader'):
        assert cfg[key] == bcl[key], key
    assert {k: v for k, v in head.items()
            if k not in ('loss', 'mix_label')} == {
                k: v for k, v in bcl.model.head.items() if k != 'loss'}
    assert cfg.model.backbone == bcl.model.backbone
    if epochs != bcl.train_cfg.max_epochs:  # ResNet-50 ImageNet-LT: 100
        assert cfg.param_scheduler.T_max == epochs


def concutmix_lrs(lr, epochs=200, warmup=5, milestones=(160, 180)):
    """ConCutMix's ``adjust_lr`` (step schedule), epoch by epoch."""
    return [
        lr * (e + 1) / warmup if e < warmup else lr *
        0.1**sum(e >= m for m in milestones) for e in range(epochs)
    ]


def epoch_lrs(cfg):
    """The lr of each epoch under the config's param_scheduler."""
    from mmengine.registry import PARAM_SCHEDULERS
    optim = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))],
                            lr=cfg.optim_wrapper.optimizer.lr)
    schedulers = [
        PARAM_SCHEDULERS.build(dict(s, optimizer=optim))
        for s in cfg.param_scheduler
    ]
    lrs = []
    for _ in range(cfg.train_cfg.max_epochs):
        lrs.append(optim.param_groups[0]['lr'])
        for scheduler in schedulers:
            scheduler.step()
    return lrs


def test_cifar_contrastive_blur_radius_range():
    """The blur radius is uniform in [0.1, 2] (ConCutMix's GaussianBlur
    ``sigma=[.1, 2.]``), applied to half the images."""
    import numpy as np

    from mmpretrain.registry import TRANSFORMS
    cfg = load_config(
        osp.join(ROOT, 'configs', 'bcl', 'resnet32_cifar100_lt_r100.py'))
    blur_cfg = cfg.train_dataloader.dataset.pipeline[0].transforms[1][-1]
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        blur = TRANSFORMS.build(blur_cfg)
    np.random.seed(0)
    radii = np.array([blur.random_magnitude() for _ in range(4000)])
    assert radii.min() >= 0.1 and radii.max() <= 2.0
    assert radii.min() < 0.11 and radii.max() > 1.99
    assert abs(radii.mean() - 1.05) < 0.03  # uniform
    img = np.random.RandomState(0).randint(0, 256, (32, 32, 3), np.uint8)
    changed = sum(not np.array_equal(blur(dict(img=img))['img'], img)
                  for _ in range(400))
    assert 160 < changed < 240  # p = 0.5


#: Datasets mmbcl makes itself: configs on them run end to end here.
EMBEDDED_DATA = ('SyntheticLT', 'MNIST5kLT')
#: Each embedded dataset shrunk to a few batches, and its test split.
TINY_DATA = dict(
    SyntheticLT=['train_dataloader.dataset.n_max=100',
                 'val_dataloader.dataset.test_per_class=6',
                 'test_dataloader.dataset.test_per_class=6'],
    # 79 training digits (20 -> 2 a class), batches of 40, 6 test a class
    MNIST5kLT=['train_dataloader.dataset.train_per_class=20',
               'train_dataloader.dataset.imb_factor=0.1',
               'train_dataloader.batch_size=40',
               'val_dataloader.dataset.test_per_class=6',
               'test_dataloader.dataset.test_per_class=6'])


def wrapped_options(cfg, options):
    """``train_dataloader.dataset.*`` options aimed through a
    ``BalancedPasteDataset`` (ConCutMix) at the dataset it wraps."""
    if cfg.train_dataloader.dataset.type != 'BalancedPasteDataset':
        return list(options)
    return [
        o.replace('train_dataloader.dataset.', 'train_dataloader.dataset.'
                  'dataset.') for o in options
    ]


def train_dataset_type(cfg):
    dataset = cfg.train_dataloader.dataset
    while 'dataset' in dataset and dataset['type'] not in EMBEDDED_DATA:
        dataset = dataset['dataset']
    return dataset['type']


#: Configs on embedded data, by their file names (collecting the tests
#: parses no config; test_config_builds_datasets checks the names against
#: each config's training dataset).
EMBEDDED = [c for c in CONFIGS
            if 'synthetic_lt' in osp.basename(c) or 'mnist5k' in
            osp.basename(c)]
EXTERNAL = [c for c in CONFIGS if c not in EMBEDDED]


def check_conventions(cfg, model, config):
    assert cfg.default_scope == 'mmpretrain'
    assert 'mmbcl' in cfg.custom_imports['imports']
    for hook in ('ClassCountsHook', 'EpochSeedHook', 'NonFiniteLossHook',
                 'SyncBuffersHook'):
        assert hook in [h['type'] for h in cfg.custom_hooks], hook
    methods = ('/bcl/', '/proco/', '/concutmix/')
    if any(m in config for m in methods) and not config.endswith('_la-ce.py'):
        assert type(model).__name__ == 'BCLClassifier'
    assert model.head.num_classes == cfg.data_preprocessor.num_classes


def validate_once(cfg, model, size):
    """One validation batch of generated images through the model and
    the config's own val_evaluator (counts as ClassCountsHook sets them)."""
    from mmengine.evaluator import Evaluator

    from mmpretrain.structures import DataSample
    classes = model.head.num_classes
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        evaluator = Evaluator(cfg.val_evaluator)
    counts = [200, 50, 5] + [30] * (classes - 3)
    for metric in evaluator.metrics:
        if hasattr(metric, 'set_class_counts'):
            metric.set_class_counts(counts)
    labels = [0, 1, 2, classes - 1]
    batch = dict(
        inputs=torch.randint(0, 256, (4, 3, size, size), dtype=torch.uint8),
        data_samples=[DataSample().set_gt_label(label) for label in labels])
    model.eval()
    evaluator.process(model.val_step(batch), batch)
    metrics = evaluator.evaluate(len(labels))
    assert 'shot/top1' in metrics, metrics
    return metrics


#: The transformer recipes' backbones, shrunk to 1-2 blocks a stage at
#: 64 px (same widths, so the same head and parameter-wise optimiser).
SHRUNK = {
    'SwinTransformer': dict(
        img_size=64, pad_small_map=True,
        arch=dict(embed_dims=96, depths=[1, 1, 1, 1],
                  num_heads=[3, 6, 12, 24])),
    'VisionTransformer': dict(
        img_size=64, arch=dict(embed_dims=768, num_layers=2, num_heads=12,
                               feedforward_channels=3072)),
    'ConvNeXt': dict(arch=dict(depths=[1, 1, 1, 1],
                               channels=[96, 192, 384, 768])),
}


def drawn_plans(augments, size, images=2):
    """Each image's plans for ``augments`` (one list per view), drawn as
    the gpu-aug workers draw them: ``(images, views, length)``."""
    import numpy as np

    from mmbcl.datasets.transforms import DrawAugmentPlans
    draw = DrawAugmentPlans(augments)
    return torch.stack([
        torch.from_numpy(draw.transform(dict(
            img=[np.zeros((size, size, 3), np.uint8)] * len(augments)))
            ['augment_plans']) for _ in range(images)])


def add_paste(batch, classes, augments):
    """The paste half of a ConCutMix batch, as ``BalancedPasteDataset``
    and its sampler give it: paste views, their labels, a plan that pastes
    a quarter of each image (and the paste views' device-side plans)."""
    view = batch['inputs'][0]
    batch['paste_inputs'] = torch.randint_like(view, 0, 256)
    batch['paste_labels'] = torch.tensor([[classes - 1], [0]])
    batch['paste_plans'] = torch.tensor([[1.0, 0.75, 0.5, 0.5]] * 2,
                                        dtype=torch.float64)
    if augments:
        batch['paste_augment_plans'] = drawn_plans(augments[:1],
                                                   view.shape[1])


@pytest.mark.parametrize('config', EXTERNAL, ids=config_id)
def test_config_trains_a_step_and_validates(config):
    """Configs on data we cannot ship (CIFAR, ImageNet-LT, iNaturalist):
    the model, optimiser and evaluator on generated images. A train step
    on CPU (2 images; 3 views for BCL, 1 for single-view baselines) with
    finite losses, then one validation through the config's
    val_evaluator. The transformer recipes (MMPretrain's AdamW schedules,
    parameter-wise decay, clipping) take 6 steps on one batch with shrunk
    backbones, and their loss must go down."""
    from mmengine.optim import build_optim_wrapper

    from mmbcl.engine.hooks.class_counts_hook import give_to_model
    from mmpretrain.structures import DataSample
    cfg = load_config(config)
    backbone = cfg.model.backbone
    if backbone.type in SHRUNK:
        backbone.update(SHRUNK[backbone.type], drop_path_rate=0.0)
    torch.manual_seed(0)
    model = build_model(cfg)
    check_conventions(cfg, model, config)
    classes = model.head.num_classes
    for module in model.modules():  # as ClassCountsHook, not plain CE
        if hasattr(module, 'set_class_prior'):
            module.set_class_prior(range(1, classes + 1))
        if hasattr(module, 'start_epoch'):  # as ProCoEstimatorHook
            module.start_epoch(0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        optim = build_optim_wrapper(model, cfg.optim_wrapper)
    size = min(input_size(cfg), 64)
    views = [
        torch.randint(0, 256, (2, 3, size, size), dtype=torch.uint8)
        for _ in range(3)
    ]
    if cfg.data_preprocessor.get('hwc_inputs'):  # PackHWCInputs' layout
        views = [v.permute(0, 2, 3, 1).contiguous() for v in views]
    bcl = type(model).__name__ == 'BCLClassifier'
    samples = [DataSample().set_gt_label(label) for label in (0, classes - 1)]
    batch = dict(inputs=views if bcl else views[0], data_samples=samples)
    augments = cfg.data_preprocessor.get('view_augments')
    if augments:  # the gpu-aug recipes: plans drawn as the workers do
        batch['augment_plans'] = drawn_plans(augments, size, len(samples))
    concutmix = cfg.train_dataloader.dataset.type == 'BalancedPasteDataset'
    if concutmix:  # a pasted batch, past the warm-up: the rectified label
        add_paste(batch, classes, augments)
        from mmengine.logging import MessageHub
        MessageHub.get_current_instance().update_info(
            'epoch', cfg.model.head.mix_label.warmup_epochs)
        # as ClassCountsHook
        give_to_model(model, 'set_class_counts', list(range(1, classes + 1)))
    adamw = cfg.optim_wrapper.optimizer.type == 'AdamW'
    losses = []
    for _ in range(6 if adamw else 1):
        log_vars = model.train_step(batch, optim)
        assert all(torch.isfinite(torch.as_tensor(v))
                   for v in log_vars.values())
        losses.append(float(log_vars['loss']))
    if concutmix:
        assert model.head.mix_label.rectifies()
        assert 'gt_score' in samples[0]  # pasted
    contrast = getattr(model.head, 'contrast_loss', None)
    assert (contrast is not None) == bcl
    if contrast is not None:
        assert contrast.loss_name in log_vars
    if adamw:
        assert backbone.type in SHRUNK, backbone.type
        assert sum(losses[-3:]) / 3 < losses[0], losses
    validate_once(cfg, model, size)


@pytest.mark.parametrize('config', EMBEDDED, ids=config_id)
def test_config_runs_end_to_end(config, tmp_path):
    """Configs on embedded data, as a user runs them: tools/train.py for
    one epoch of a small subset (the schedule follows max_epochs) with a
    validation, then tools/test.py on the checkpoint it saved, whose
    numbers are the final validation's."""
    from tests.cli import call_tool
    cfg = load_config(config)
    tiny = wrapped_options(cfg, TINY_DATA[train_dataset_type(cfg)]) + [
        'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'train_dataloader.num_workers=0', 'default_hooks.logger.interval=1']
    work_dir = str(tmp_path)
    runner = call_tool('tools.train', config, '--work-dir', work_dir,
                       '--cfg-options', *tiny)
    check_conventions(cfg, runner.model, config)
    scalars = runner.message_hub.log_scalars
    final = {k[len('val/'):]: v.current() for k, v in scalars.items()
             if k.startswith('val/')}
    assert 'shot/top1' in final, final
    if 'NeuralCollapse' in repr(cfg.val_evaluator):
        assert 'nc/backbone/nc1' in final, final
    metrics = call_tool('tools.test', config,
                        osp.join(work_dir, 'epoch_1.pth'), '--work-dir',
                        osp.join(work_dir, 'test'), '--cfg-options', *tiny)
    for key, value in metrics.items():
        assert value == pytest.approx(final[key], rel=1e-6, abs=1e-6), key


@pytest.mark.parametrize('variant, averaging, complement', [
    ('scl', False, False),
    ('scl-class-averaging', True, False),
    ('scl-class-complement', False, True),
])
def test_ablation_configs_train_a_step(variant, averaging, complement):
    """The paper's ablation: each config sets the two switches and trains
    a step of the CIFAR recipe (3 views, 32 px)."""
    from mmengine.optim import OptimWrapper

    from mmpretrain.structures import DataSample
    cfg = load_config(ABLATION.format(variant))
    model = build_model(cfg)
    loss = model.head.contrast_loss
    assert (loss.class_averaging, loss.class_complement) == (averaging,
                                                             complement)
    assert (model.head.proto_mlp is None) == (not complement)
    model.head.loss_module.set_class_counts(range(1, 101))
    views = [torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
             for _ in range(3)]
    samples = [DataSample().set_gt_label(label) for label in (3, 3, 50, 99)]
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log_vars = model.train_step(
        dict(inputs=views, data_samples=samples), optim)
    assert set(log_vars) == {'loss', 'loss_cls', 'loss_bcl'}
    assert all(torch.isfinite(torch.as_tensor(v)) for v in log_vars.values())


def test_la_ce_baseline_trains_a_step_on_one_view():
    from mmengine.optim import OptimWrapper

    from mmpretrain.structures import DataSample
    cfg = load_config(ABLATION.format('la-ce'))
    assert [t['type'] for t in cfg.train_dataloader.dataset.pipeline] == [
        'RandomCrop', 'RandomFlip', 'AutoAugment', 'PackInputs']
    model = build_model(cfg)
    assert type(model).__name__ == 'ImageClassifier'
    assert model.head.contrast_mlp is None
    model.head.loss_module.set_class_counts(range(1, 101))
    inputs = torch.randint(0, 256, (4, 3, 32, 32), dtype=torch.uint8)
    samples = [DataSample().set_gt_label(label) for label in (3, 3, 50, 99)]
    optim = OptimWrapper(torch.optim.SGD(model.parameters(), lr=0.01))
    log_vars = model.train_step(dict(inputs=inputs, data_samples=samples),
                                optim)
    assert set(log_vars) == {'loss', 'loss_cls'}


def test_imagenet_lt_recipe_values():
    """The values docs/user_guides/recipe_sources.md traces to the authors'
    main.py/README."""
    cfg = load_config(
        osp.join(ROOT, 'configs', 'bcl', 'resnext50_imagenet_lt.py'))
    assert cfg.train_dataloader.batch_size * 8 == 256
    assert cfg.optim_wrapper.optimizer == dict(
        type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4)
    assert cfg.param_scheduler.type == 'CosineAnnealingLR'
    assert cfg.train_cfg.max_epochs == cfg.param_scheduler.T_max == 90
    head = cfg.model.head
    assert (head.loss.loss_weight, head.loss.tau) == (1.0, 1.0)
    assert head.contrast_loss.loss_weight == 0.35
    assert head.contrast_loss.temperature == 0.07
    assert head.contrast_loss.gather_distributed
    assert (head.feat_dim, head.scale, head.cosine_classifier) == (1024, 30.0,
                                                                   True)
    assert head.get('hidden_channels') is None  # = in_channels, 2048
    inat = load_config(
        osp.join(ROOT, 'configs', 'bcl', 'resnet50_inat2018.py'))
    assert inat.optim_wrapper.optimizer.lr == 0.2
    assert inat.optim_wrapper.optimizer.weight_decay == 1e-4
    assert inat.train_cfg.max_epochs == inat.param_scheduler.T_max == 100


def test_folder_config_trains_and_tests_on_a_generated_folder(tmp_path):
    """``resnet8_folder_lt.py`` on class folders (10 classes of PNGs):
    one epoch trains and validates, and tools/test.py scores the
    checkpoint."""
    import cv2
    import numpy as np

    from tests.cli import call_tool
    rng = np.random.RandomState(0)
    for split, per_class in (('train', 20), ('val', 4)):
        for label in range(10):
            folder = tmp_path / 'folder' / split / f'class{label}'
            folder.mkdir(parents=True)
            for i in range(per_class):
                img = rng.randint(0, 80, (40, 36, 3)).astype(np.uint8)
                img[..., label % 3] += 17 * label
                cv2.imwrite(str(folder / f'{i}.png'), img)
    config = osp.join(ROOT, 'configs', 'bcl', 'resnet8_folder_lt.py')
    root = str(tmp_path / 'folder')
    options = ['--cfg-options', f'train_dataloader.dataset.dataset.data_root'
               f'={root}', f'val_dataloader.dataset.data_root={root}',
               f'test_dataloader.dataset.data_root={root}',
               'train_dataloader.dataset.imb_factor=0.1',
               'train_dataloader.num_workers=0', 'train_cfg.max_epochs=1']
    work = str(tmp_path / 'work')
    runner = call_tool('tools.train', config, '--work-dir', work, *options)
    assert 'val/shot/top1' in runner.message_hub.log_scalars
    metrics = call_tool('tools.test', config, osp.join(work, 'epoch_1.pth'),
                        '--work-dir', str(tmp_path / 'test'), *options)
    assert 0 <= metrics['shot/top1'] <= 100
