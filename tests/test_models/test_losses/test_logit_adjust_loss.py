from unittest import TestCase

import pytest
import torch
import torch.nn.functional as F

import mmbcl  # noqa: F401
from mmpretrain.registry import MODELS


class TestLogitAdjustLoss(TestCase):

    def test_equals_ce_on_adjusted_logits(self):
        counts = [100, 30, 5]
        loss = MODELS.build(
            dict(type='LogitAdjustLoss', tau=1.5, class_counts=counts))
        logits, labels = torch.randn(8, 3), torch.randint(0, 3, (8, ))
        prior = torch.tensor(counts, dtype=torch.float) / sum(counts)
        want = F.cross_entropy(logits + 1.5 * prior.log(), labels)
        torch.testing.assert_close(loss(logits, labels), want)

    def test_set_class_counts_and_weight(self):
        loss = MODELS.build(dict(type='LogitAdjustLoss', loss_weight=2.0))
        loss.set_class_counts([10, 10])
        logits, labels = torch.randn(4, 2), torch.tensor([0, 1, 1, 0])
        # a uniform prior shifts all logits alike: plain cross-entropy
        torch.testing.assert_close(
            loss(logits, labels), 2.0 * F.cross_entropy(logits, labels))

    def test_no_counts_error(self):
        loss = MODELS.build(dict(type='LogitAdjustLoss'))
        with pytest.raises(RuntimeError, match='ClassCountsHook'):
            loss(torch.randn(2, 3), torch.tensor([0, 1]))

    def test_class_number_mismatch_error(self):
        loss = MODELS.build(
            dict(type='LogitAdjustLoss', class_counts=[5, 4, 3]))
        with pytest.raises(ValueError, match='logits have 5 classes'):
            loss(torch.randn(2, 5), torch.tensor([0, 1]))

    def test_bad_counts_error(self):
        with pytest.raises(ValueError, match='list of positive values'):
            MODELS.build(dict(type='LogitAdjustLoss', class_counts=[3, 0]))
