"""ClassCountsHook: counts reach the model, on the model's device.

No GPU is needed to catch a tensor left on the wrong device: the model is
moved to the ``meta`` device (as the runner moves it to the GPU before any
hook runs), the hook sets the class counts, and the whole ``BCLHead.loss``
runs on meta tensors. A tensor created on the CPU then fails with
``Tensor on device cpu is not on the expected device meta``.
"""
from types import SimpleNamespace

import pytest
import torch
from mmengine.config import Config

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import ClassCountsHook
from mmpretrain.registry import DATASETS, HOOKS, MODELS
from mmpretrain.structures import DataSample

DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'


def demo_model():
    cfg = Config.fromfile(DEMO)
    return MODELS.build(cfg.model)


def fake_runner(model, batch_size=4):
    dataset = DATASETS.build(dict(type='SyntheticLT', n_max=100))
    loader = SimpleNamespace(dataset=dataset, batch_size=batch_size)
    return SimpleNamespace(model=model, train_dataloader=loader)


def every_tensor(model):
    """Parameters, buffers (also non-persistent) and tensor attributes."""
    for module in model.modules():
        for name, tensor in module.named_parameters(recurse=False):
            yield f'{type(module).__name__}.{name}', tensor
        for name, tensor in module.named_buffers(recurse=False):
            yield f'{type(module).__name__}.{name}', tensor
        for name, value in vars(module).items():
            if isinstance(value, torch.Tensor):
                yield f'{type(module).__name__}.{name}', value


def head_loss_on_meta(model, batch_size=4):
    feats = torch.randn(3 * batch_size, model.head.in_channels,
                        device='meta')
    samples = [DataSample().set_gt_label(i % 10) for i in range(batch_size)]
    return model.head.loss((feats, ), samples)


@pytest.mark.parametrize('path', ['before_train', 'after_load_checkpoint'])
def test_state_follows_the_model_to_its_device(path):
    model = demo_model().to('meta')  # the runner moves the model first
    runner = fake_runner(model)
    hook = HOOKS.build(dict(type='ClassCountsHook'))
    if path == 'before_train':
        hook.before_train(runner)
    else:  # resume / test from a checkpoint
        hook.after_load_checkpoint(
            runner, dict(meta=dict(class_counts=[50, 30, 9, 5, 4, 3, 2, 2,
                                                 1, 1])))
    devices = {name: t.device for name, t in every_tensor(model)}
    assert set(devices.values()) == {torch.device('meta')}, devices
    losses = head_loss_on_meta(model)
    assert set(losses) == {'loss_cls', 'loss_bcl'}
    for value in losses.values():
        assert value.device.type == 'meta' and value.dim() == 0


def test_prior_set_before_the_move_follows_it():
    model = demo_model()
    hook = ClassCountsHook()
    hook.before_train(fake_runner(model))
    model.to('meta')
    assert model.head.loss_module.log_prior.device.type == 'meta'
    head_loss_on_meta(model)


def test_hook_moves_state_a_receiver_leaves_behind():
    """Any receiver's state follows the model, not only mmbcl's losses."""

    class CPUReceiver(torch.nn.Module):

        def __init__(self):
            super().__init__()
            self.lin = torch.nn.Linear(2, 2)
            self.register_buffer('counts', None)

        def set_class_counts(self, counts):
            self.counts = torch.tensor(counts)  # always on the CPU

    model = torch.nn.Sequential(CPUReceiver()).to('meta')
    ClassCountsHook()._set_counts(
        SimpleNamespace(model=model), [3, 2, 1], 'a test')
    assert model[0].counts.device.type == 'meta'


def test_counts_go_to_metrics_on_the_cpu():
    metric = SimpleNamespace(counts=None)
    metric.set_class_counts = lambda c: setattr(metric, 'counts', c)
    hook = ClassCountsHook()
    hook._set_counts(SimpleNamespace(model=torch.nn.Linear(1, 1)), [2, 1],
                     'a test')
    hook.before_val(SimpleNamespace(
        val_evaluator=SimpleNamespace(metrics=[metric])))
    assert metric.counts == [2, 1]


SAMPLERS = [  # many samples an epoch: one epoch's draw is close to expected
    dict(type='ClassAwareSampler', num_samples=20000),
    dict(type='RepeatFactorSampler', q=0.5, num_samples=20000),
    dict(type='ProgressivelyBalancedSampler', num_epochs=4,
         num_samples=20000),
    dict(type='ClassComplementSampler', batch_size=16),
]


def sampled_runner(sampler_cfg, epoch=0):
    from mmpretrain.registry import DATA_SAMPLERS
    dataset = DATASETS.build(dict(type='SyntheticLT', n_max=100))
    sampler = DATA_SAMPLERS.build(dict(sampler_cfg, dataset=dataset,
                                       seed=0))
    loader = SimpleNamespace(dataset=dataset, batch_size=16, sampler=sampler)
    return SimpleNamespace(model=demo_model(), train_dataloader=loader,
                           epoch=epoch), dataset


def drawn_frequencies(sampler, epoch):
    """What the sampler actually yields in ``epoch`` (one rank), counted."""
    import numpy as np
    sampler.set_epoch(epoch)
    counts = np.bincount(sampler.labels.numpy()[list(iter(sampler))],
                         minlength=len(sampler.class_counts))
    return counts / counts.sum()


@pytest.mark.parametrize('sampler_cfg', SAMPLERS, ids=lambda c: c['type'])
def test_logit_adjustment_follows_the_sampler(sampler_cfg):
    """Under a class-aware sampler the LA prior is what is sampled, not the
    dataset's counts (which would correct the imbalance twice)."""
    import numpy as np
    runner, dataset = sampled_runner(sampler_cfg)
    ClassCountsHook().before_train(runner)
    prior = runner.model.head.loss_module.log_prior.exp().numpy()
    counts = dataset.class_counts / dataset.class_counts.sum()
    if sampler_cfg['type'] != 'ProgressivelyBalancedSampler':  # epoch 0
        assert not np.allclose(prior, counts, atol=0.01)
    sampler = runner.train_dataloader.sampler
    # the prior is the share of each class the sampler really draws
    np.testing.assert_allclose(prior, drawn_frequencies(sampler, 0),
                               atol=0.01)
    # BCLHead still checks num_classes against the dataset's counts
    assert runner.model.head.num_classes == len(dataset.class_counts)


def test_progressive_prior_moves_every_epoch():
    import numpy as np
    cfg = dict(type='ProgressivelyBalancedSampler', num_epochs=4)
    runner, dataset = sampled_runner(cfg)
    hook = ClassCountsHook()
    hook.before_train(runner)
    first = runner.model.head.loss_module.log_prior.exp().numpy()
    runner.epoch = 4  # fully class-balanced from here on
    hook.before_train_epoch(runner)
    last = runner.model.head.loss_module.log_prior.exp().numpy()
    np.testing.assert_allclose(first, dataset.class_counts /
                               dataset.class_counts.sum(), rtol=1e-6)
    np.testing.assert_allclose(last, np.full(10, 0.1), rtol=1e-6)


def test_default_sampler_keeps_the_dataset_prior():
    import numpy as np
    model = demo_model()
    runner = fake_runner(model)
    runner.train_dataloader.sampler = object()  # e.g. DefaultSampler
    ClassCountsHook().before_train(runner)
    counts = runner.train_dataloader.dataset.class_counts
    np.testing.assert_allclose(
        model.head.loss_module.log_prior.exp().numpy(),
        counts / counts.sum(), rtol=1e-6)


WRAPPERS = {
    'ClassBalancedDataset': dict(type='ClassBalancedDataset',
                                 oversample_thr=0.5),
    'RepeatDataset': dict(type='RepeatDataset', times=2),
    'ConcatDataset': None,  # the demo's data, and a balanced set beside it
    'LongTailDataset': dict(type='LongTailDataset', imb_factor=0.1),
}


def wrapped(name):
    from mmengine.registry import DefaultScope
    source = dict(type='SyntheticLT', n_max=100)
    if name == 'LongTailDataset':  # long-tailed from a balanced source
        source = dict(type='SyntheticLT', split='test', test_per_class=40)
    if name == 'ConcatDataset':
        cfg = dict(type='ConcatDataset', datasets=[
            source, dict(type='SyntheticLT', split='test',
                         test_per_class=10)])
    else:
        cfg = dict(WRAPPERS[name], dataset=source)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(cfg)


@pytest.mark.parametrize('wrapper', WRAPPERS)
def test_prior_is_what_one_epoch_draws(wrapper):
    """Under a dataset wrapper that changes the label distribution, the LA
    prior equals the label frequencies of one epoch a DefaultSampler
    actually draws through a DataLoader; the checkpoint keeps the source
    counts (the shot groups' definition)."""
    import numpy as np
    from mmengine.dataset import DefaultSampler, pseudo_collate
    from torch.utils.data import DataLoader
    dataset = wrapped(wrapper)
    sampler = DefaultSampler(dataset, shuffle=True, seed=0)
    model = demo_model()
    loader = SimpleNamespace(dataset=dataset, batch_size=16, sampler=sampler)
    hook = ClassCountsHook()
    hook.before_train(SimpleNamespace(model=model, train_dataloader=loader,
                                      epoch=0))
    prior = model.head.loss_module.log_prior.exp().double().numpy()
    drawn = np.zeros(10)
    for batch in DataLoader(dataset, batch_size=64, sampler=sampler,
                            collate_fn=pseudo_collate):
        np.add.at(drawn, np.asarray(batch['gt_label']), 1)
    np.testing.assert_allclose(prior, drawn / drawn.sum(), rtol=1e-6)
    checkpoint = {}
    hook.before_save_checkpoint(None, checkpoint)
    from mmbcl.datasets import get_class_counts
    assert checkpoint['meta']['class_counts'] == list(
        get_class_counts(dataset))
    if wrapper == 'ClassBalancedDataset':  # the double correction, before
        assert not np.allclose(checkpoint['meta']['class_counts'], drawn)
