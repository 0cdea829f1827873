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
