"""The authors' checkpoint layout converts and gives the same logits."""
import os.path as osp

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
import torchvision
from mmengine.config import Config
from mmengine.registry import DefaultScope
from mmengine.runner import load_checkpoint

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS
from tests.cli import call_tool, tool_error
from tests.lt_lists import fixture

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
# one image per class: a real ImageNet-LT list excerpt shipped as a fixture
LIST = fixture('ImageNet_LT_val_one_per_class.txt')


def mlp(dim_in, feat_dim):
    return nn.Sequential(
        nn.Linear(dim_in, dim_in), nn.BatchNorm1d(dim_in), nn.ReLU(),
        nn.Linear(dim_in, feat_dim))


def test_official_resnext50_converts(tmp_path):
    torch.manual_seed(0)
    encoder = torchvision.models.resnext50_32x4d(weights=None)
    for bn in encoder.modules():  # non-trivial running statistics
        if isinstance(bn, nn.BatchNorm2d):
            bn.running_mean.uniform_(-0.1, 0.1)
            bn.running_var.uniform_(0.5, 1.5)
    head, head_fc = mlp(2048, 1024), mlp(2048, 1024)
    fc_weight = torch.randn(2048, 1000)  # NormedLinear layout (in, C)
    state = {f'module.encoder.{k}': v
             for k, v in encoder.state_dict().items()}
    state.update({f'module.head.{k}': v
                  for k, v in head.state_dict().items()})
    state.update({f'module.head_fc.{k}': v
                  for k, v in head_fc.state_dict().items()})
    state['module.fc.weight'] = fc_weight
    src, dst = str(tmp_path / 'official.pth'), str(tmp_path / 'mmbcl.pth')
    torch.save({'state_dict': state, 'epoch': 90}, src)

    call_tool('tools.model_converters.bcl_official_to_mmbcl', src, dst,
              '--train-list', LIST)

    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'bcl', 'resnext50_imagenet_lt.py'))
    cfg.model.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(cfg.model)
    checkpoint = load_checkpoint(model, dst, strict=True)
    assert checkpoint['meta']['class_counts'] == [1] * 1000
    model.eval()
    encoder.fc = nn.Identity()
    encoder.eval()

    x = torch.randn(2, 3, 64, 64)
    with torch.no_grad():
        got = model(x, mode='tensor')
        want = 30 * F.normalize(encoder(x), dim=1) @ F.normalize(
            fc_weight, dim=0)
        torch.testing.assert_close(got, want, rtol=1e-4, atol=1e-4)
        protos = model.head.prototypes()
        head_fc.eval()
        torch.testing.assert_close(
            protos, F.normalize(head_fc(fc_weight.t()), dim=1))


def test_unknown_keys_refused(tmp_path):
    src = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {'module.backbone.w': torch.ones(1)}}, src)
    message = tool_error('tools.model_converters.bcl_official_to_mmbcl',
                         src, str(tmp_path / 'out.pth'))
    assert 'not a BCL checkpoint' in message
    assert not osp.exists(str(tmp_path / 'out.pth'))


@pytest.mark.parametrize('content, match', [
    (None, r"'.*missing.pth' does not exist"),
    (b'\x00\x17' * 300, r'\(600 bytes\) is not a complete checkpoint'),
], ids=['missing file', 'random bytes'])
def test_bad_source_one_line(tmp_path, content, match):
    """The same one-line checkpoint errors as tools/test.py: no traceback,
    never torch's advice to set weights_only=False."""
    import re
    src = tmp_path / 'missing.pth'
    if content is not None:
        src.write_bytes(content)
    message = tool_error('tools.model_converters.bcl_official_to_mmbcl',
                         str(src), str(tmp_path / 'out.pth'))
    assert re.search(match, message) and 'weights_only' not in message
    assert not osp.exists(str(tmp_path / 'out.pth'))


def official_resnet32_forward(state, x):
    """ProCo's ``ResNet_s`` (ProCo_cifar/models/resnet_cifar.py) written
    from its layer list over the official keys, in eval mode."""

    def bn(x, name):
        return F.batch_norm(x, state[f'{name}.running_mean'],
                            state[f'{name}.running_var'],
                            state[f'{name}.weight'], state[f'{name}.bias'])

    out = F.relu(bn(F.conv2d(x, state['conv1.weight'], padding=1), 'bn1'))
    for layer, stride in ((1, 1), (2, 2), (3, 2)):
        for block in range(5):
            name = f'layer{layer}.{block}'
            step = stride if block == 0 else 1
            y = F.relu(bn(F.conv2d(out, state[f'{name}.conv1.weight'],
                                   stride=step, padding=1), f'{name}.bn1'))
            y = bn(F.conv2d(y, state[f'{name}.conv2.weight'], padding=1),
                   f'{name}.bn2')
            if step != 1 or out.size(1) != y.size(1):  # option A
                pad = y.size(1) // 4
                out = F.pad(out[:, :, ::2, ::2], (0, 0, 0, 0, pad, pad))
            out = F.relu(y + out)
    return out.mean((2, 3))


def official_proco_loss_class():
    """Classes named as ProCo's ``loss.proco`` ones, with the attributes
    its checkpoints pickle (the real module is not importable here)."""
    import sys
    import types
    module = types.ModuleType('loss.proco')

    class EstimatorCV:

        def __init__(self, feature_num, class_num, seed):
            g = torch.Generator().manual_seed(seed)
            self.class_num, self.feature_num = class_num, feature_num
            self.Ave = F.normalize(torch.randn(class_num, feature_num,
                                               generator=g), dim=1) * 0.7
            self.Amount = torch.arange(class_num, dtype=torch.float) * 3
            self.kappa = torch.ones(class_num)
            self.logc = torch.ones(class_num, dtype=torch.float64)

    class ProCoLoss(nn.Module):

        def __init__(self, contrast_dim, temperature, num_classes):
            super().__init__()
            self.temperature, self.num_classes = temperature, num_classes
            self.feature_num = contrast_dim
            self.estimator_old = EstimatorCV(contrast_dim, num_classes, 1)
            self.estimator = EstimatorCV(contrast_dim, num_classes, 2)

    for cls in (EstimatorCV, ProCoLoss):
        cls.__module__, cls.__qualname__ = 'loss.proco', cls.__name__
        setattr(module, cls.__name__, cls)
    package = types.ModuleType('loss')
    package.proco = module
    sys.modules.update({'loss': package, 'loss.proco': module})

    def forget():
        for name in ('loss', 'loss.proco'):
            sys.modules.pop(name)

    return ProCoLoss, forget


def test_official_proco_cifar_converts_with_its_estimates(tmp_path):
    """A ProCo CIFAR-100 checkpoint in the official layout (ResNet_s
    encoder, 64 -> 512 -> 128 MLP, linear classifier, the pickled loss
    with its estimates) converts; the converted model's logits are the
    official forward's and the estimates are ProCoLoss's buffers."""
    torch.manual_seed(0)
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        source = MODELS.build(dict(type='CifarResNet', depth=32))
    names = dict((new, old) for old, new in (
        ('conv1.', 'stem.0.'), ('bn1.', 'stem.1.'), ('layer1.', 'stages.0.'),
        ('layer2.', 'stages.1.'), ('layer3.', 'stages.2.')))
    encoder = {}
    for key, value in source.state_dict().items():
        if key.endswith('running_mean'):
            value = torch.rand_like(value) * 0.2 - 0.1
        elif key.endswith('running_var'):
            value = torch.rand_like(value) + 0.5
        prefix = next(p for p in names if key.startswith(p))
        encoder[names[prefix] + key[len(prefix):]] = value
    head = nn.Sequential(nn.Linear(64, 512), nn.BatchNorm1d(512), nn.ReLU(),
                         nn.Linear(512, 128))
    fc = nn.Linear(64, 100)
    state = {f'module.encoder.{k}': v for k, v in encoder.items()}
    state.update({f'module.head.{k}': v
                  for k, v in head.state_dict().items()})
    state.update({f'module.fc.{k}': v for k, v in fc.state_dict().items()})
    official_loss, forget = official_proco_loss_class()
    criterion = official_loss(128, 0.1, 100)
    src, dst = str(tmp_path / 'official.pth'), str(tmp_path / 'mmbcl.pth')
    try:
        torch.save({'state_dict': state, 'criterion_scl': criterion,
                    'epoch': 200, 'best_acc1': 52.8}, src)
    finally:
        forget()  # the converter cannot import ProCo's code either

    call_tool('tools.model_converters.bcl_official_to_mmbcl', src, dst)

    cfg = Config.fromfile(
        osp.join(ROOT, 'configs', 'proco', 'resnet32_cifar100_lt_r100.py'))
    cfg.model.data_preprocessor = cfg.data_preprocessor
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        model = MODELS.build(cfg.model)
    load_checkpoint(model, dst, strict=True)
    loss = model.head.contrast_loss
    torch.testing.assert_close(loss.estimate.mean,
                               criterion.estimator_old.Ave.double())
    torch.testing.assert_close(loss.next_estimate.count,
                               criterion.estimator.Amount.double())
    model.eval()
    x = torch.randn(3, 3, 32, 32)
    with torch.no_grad():
        want = fc(official_resnet32_forward(encoder, x))
        torch.testing.assert_close(model(x, mode='tensor'), want, rtol=1e-4,
                                   atol=1e-4)


def test_other_pickled_objects_are_still_refused(tmp_path):
    """Reading ProCo's two loss classes as data opens nothing else."""
    src = str(tmp_path / 'other.pth')
    torch.save({'state_dict': {}, 'criterion_scl': torch.nn.ReLU()}, src)
    message = tool_error('tools.model_converters.bcl_official_to_mmbcl',
                         src, str(tmp_path / 'out.pth'))
    assert 'torch.nn.modules.activation.ReLU' in message
    assert not osp.exists(str(tmp_path / 'out.pth'))
