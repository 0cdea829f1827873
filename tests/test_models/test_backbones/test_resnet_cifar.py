from unittest import TestCase

import pytest
import torch

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS


def num_params(module):
    return sum(p.numel() for p in module.parameters())


class TestCifarResNet(TestCase):

    def test_resnet32_parameter_count(self):
        net = MODELS.build(dict(type='CifarResNet', depth=32))
        self.assertEqual(num_params(net), 463_504)
        # with a 10-way linear classifier: the published 0.46 M
        self.assertEqual(num_params(net) + 64 * 10 + 10, 464_154)

    def test_depths_and_shapes(self):
        x = torch.randn(2, 3, 32, 32)
        for depth in (8, 20, 32):
            net = MODELS.build(
                dict(type='CifarResNet', depth=depth, out_indices=(0, 1, 2)))
            shapes = [tuple(o.shape) for o in net(x)]
            self.assertEqual(shapes, [(2, 16, 32, 32), (2, 32, 16, 16),
                                      (2, 64, 8, 8)])

    def test_projection_shortcut(self):
        net = MODELS.build(dict(type='CifarResNet', depth=20, shortcut='B'))
        self.assertGreater(num_params(net), 0.27e6)
        self.assertEqual(net(torch.randn(1, 3, 32, 32))[0].shape,
                         (1, 64, 8, 8))

    def test_bad_depth_error(self):
        for depth in (18, 21, 4):
            with pytest.raises(ValueError, match='depth must be 6n \\+ 2'):
                MODELS.build(dict(type='CifarResNet', depth=depth))
