"""The CIFAR ResNet family of He et al. (2016), depth 6n + 2."""
from typing import Sequence, Tuple

import torch.nn as nn
import torch.nn.functional as F
from torch import Tensor

from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.registry import MODELS


class BasicBlock(nn.Module):
    """Two 3x3 convolutions with an identity or downsampling shortcut.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the first convolution.
        shortcut (str): ``'A'``: parameter-free (subsample, zero-pad the new
            channels), as in the paper and LDAM-DRW's ResNet-32; ``'B'``: a
            1x1 convolution + BN projection.
    """

    def __init__(self, in_channels: int, out_channels: int, stride: int,
                 shortcut: str):
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(out_channels)
        self.downsample = None
        self.pad = 0
        if stride != 1 or in_channels != out_channels:
            if shortcut == 'A':
                self.pad = (out_channels - in_channels) // 2
            else:
                self.downsample = nn.Sequential(
                    nn.Conv2d(in_channels, out_channels, 1, stride,
                              bias=False), nn.BatchNorm2d(out_channels))
        self.stride = stride

    def shortcut(self, x: Tensor) -> Tensor:
        if self.downsample is not None:
            return self.downsample(x)
        if self.stride != 1 or self.pad:
            x = x[:, :, ::self.stride, ::self.stride]
            return F.pad(x, (0, 0, 0, 0, self.pad, self.pad))
        return x

    def forward(self, x: Tensor) -> Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


@MODELS.register_module()
class CifarResNet(BaseBackbone):
    """CIFAR ResNet (He et al., 2016): 3 stages of 16, 32, 64 channels.

    Depth ``6n + 2`` (20, 32, 44, 56, 110, ...). ResNet-32 with shortcut
    ``'A'`` has 463,504 parameters (464,154 with a 10-way linear
    classifier), the network of the long-tailed CIFAR literature.
    mmpretrain's ``ResNet_CIFAR`` is the ImageNet-style ResNet adapted to
    32 px and does not offer these depths.

    Args:
        depth (int): ``6n + 2`` with ``n >= 1``.
        in_channels (int): Image channels. Defaults to 3.
        base_channels (int): Channels of the first stage. Defaults to 16.
        shortcut (str): ``'A'`` (parameter-free, default) or ``'B'``
            (projection); see :class:`BasicBlock`.
        out_indices (Sequence[int]): Stages to output. Defaults to ``(2,)``.
        init_cfg (dict | list, optional): Defaults to Kaiming-normal
            convolutions, as LDAM-DRW.

    Example:
        >>> import torch
        >>> net = MODELS.build(dict(type='CifarResNet', depth=32))
        >>> [o.shape for o in net(torch.randn(2, 3, 32, 32))]
        [torch.Size([2, 64, 8, 8])]
    """

    def __init__(self,
                 depth: int,
                 in_channels: int = 3,
                 base_channels: int = 16,
                 shortcut: str = 'A',
                 out_indices: Sequence[int] = (2, ),
                 init_cfg=dict(
                     type='Kaiming', layer=['Conv2d', 'Linear'],
                     distribution='normal', mode='fan_in')):
        super().__init__(init_cfg=init_cfg)
        if not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
            raise ValueError(f'CifarResNet: depth must be 6n + 2 (20, 32, '
                             f'44, 56, 110, ...), got {depth!r}')
        if shortcut not in ('A', 'B'):
            raise ValueError(
                f"CifarResNet: shortcut must be 'A' or 'B', got {shortcut!r}")
        for i in out_indices:
            if i not in (0, 1, 2, -1, -2, -3):
                raise ValueError(f'CifarResNet: out_indices must be in '
                                 f'0..2, got {tuple(out_indices)}')
        self.depth = depth
        self.out_indices = tuple(i % 3 for i in out_indices)
        num_blocks = (depth - 2) // 6
        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 3, 1, 1, bias=False),
            nn.BatchNorm2d(base_channels), nn.ReLU(inplace=True))
        self.stages = nn.ModuleList()
        channels = base_channels
        for i in range(3):
            out_channels = base_channels * 2**i
            blocks = []
            for j in range(num_blocks):
                stride = 2 if i > 0 and j == 0 else 1
                blocks.append(
                    BasicBlock(channels, out_channels, stride, shortcut))
                channels = out_channels
            self.stages.append(nn.Sequential(*blocks))
        self.out_channels = channels

    def forward(self, x: Tensor) -> Tuple[Tensor]:
        x = self.stem(x)
        outs = []
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        return tuple(outs)
