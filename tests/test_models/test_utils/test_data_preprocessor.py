from unittest import TestCase

import pytest
import torch

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS


class TestMultiViewDataPreprocessor(TestCase):
    DEFAULT_ARGS = dict(
        type='MultiViewDataPreprocessor', mean=[10.0] * 3, std=[2.0] * 3)

    def setUp(self):
        self.pre = MODELS.build(self.DEFAULT_ARGS)
        self.views = [torch.full((2, 3, 4, 4), float(v)) for v in (12, 14, 16)]

    def check(self, out):
        self.assertEqual(len(out['inputs']), 3)
        for view, value in zip(out['inputs'], (1.0, 2.0, 3.0)):
            self.assertEqual(view.shape, (2, 3, 4, 4))
            torch.testing.assert_close(view, torch.full_like(view, value))

    def test_default_collate_layout(self):
        self.check(self.pre(dict(inputs=self.views), training=True))

    def test_pseudo_collate_layout(self):
        views = [list(view) for view in self.views]
        self.check(self.pre(dict(inputs=views), training=True))

    def test_single_view_passes_through(self):
        out = self.pre(dict(inputs=self.views[0]))
        torch.testing.assert_close(out['inputs'],
                                   torch.ones_like(self.views[0]))

    def test_batch_augments_refused(self):
        with pytest.raises(ValueError, match='batch_augments'):
            MODELS.build(
                dict(self.DEFAULT_ARGS,
                     num_classes=3,
                     batch_augments=dict(
                         augments=dict(type='Mixup', alpha=1.0))))
