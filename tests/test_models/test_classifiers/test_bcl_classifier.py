from unittest import TestCase

import pytest
import torch

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


def head_cfg(in_channels, num_classes=3):
    return dict(
        type='BCLHead',
        num_classes=num_classes,
        in_channels=in_channels,
        feat_dim=8,
        loss=dict(type='LogitAdjustLoss', class_counts=[30, 10, 2]))


def batch(num_views, size=16, batch_size=4):
    views = [
        torch.randint(0, 256, (batch_size, 3, size, size), dtype=torch.uint8)
        for _ in range(num_views)
    ]
    samples = [DataSample().set_gt_label(i % 3) for i in range(batch_size)]
    return dict(inputs=views if num_views > 1 else views[0],
                data_samples=samples)


class TestBCLClassifier(TestCase):
    DEFAULT_ARGS = dict(
        type='BCLClassifier',
        backbone=dict(type='CifarResNet', depth=8),
        neck=dict(type='GlobalAveragePooling'),
        head=head_cfg(64),
        data_preprocessor=dict(mean=[127.5] * 3, std=[64.0] * 3))

    def test_backbone_runs_once_over_all_views(self):
        model = MODELS.build(self.DEFAULT_ARGS)
        calls = []
        model.backbone.register_forward_hook(
            lambda m, inp, out: calls.append(inp[0].shape[0]))
        data = model.data_preprocessor(batch(3), training=True)
        losses = model(**data, mode='loss')
        self.assertEqual(calls, [12])  # one pass over 3 views x 4 images
        self.assertEqual(set(losses), {'loss_cls', 'loss_bcl'})

    def test_train_step_and_predict(self):
        model = MODELS.build(self.DEFAULT_ARGS)
        optim = torch.optim.SGD(model.parameters(), lr=0.01)
        from mmengine.optim import OptimWrapper
        log_vars = model.train_step(batch(3), OptimWrapper(optim))
        self.assertIn('loss_bcl', log_vars)
        model.eval()
        preds = model.val_step(batch(1))
        self.assertEqual(len(preds), 4)
        self.assertEqual(preds[0].pred_score.shape, (3, ))

    def test_mmpretrain_backbone(self):
        cfg = dict(
            self.DEFAULT_ARGS,
            backbone=dict(type='ResNet', depth=18, out_indices=(3, )),
            head=head_cfg(512))
        model = MODELS.build(cfg)
        data = model.data_preprocessor(batch(3, size=32), training=True)
        losses = model(**data, mode='loss')
        self.assertTrue(all(torch.isfinite(v) for v in losses.values()))

    def test_single_view_error(self):
        model = MODELS.build(self.DEFAULT_ARGS)
        data = model.data_preprocessor(batch(1), training=True)
        with pytest.raises(ValueError, match='needs 3 views per image'):
            model(**data, mode='loss')

    def test_view_shape_mismatch_error(self):
        model = MODELS.build(self.DEFAULT_ARGS)
        views = [torch.randn(2, 3, 16, 16)] * 2 + [torch.randn(2, 3, 8, 8)]
        samples = [DataSample().set_gt_label(0)] * 2
        with pytest.raises(ValueError, match='same shape'):
            model.loss(views, samples)
