from unittest import TestCase

import pytest
import torch

import mmbcl  # noqa: F401
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample


def evaluate(metric, preds, gts):
    samples = [
        DataSample().set_pred_label(p).set_gt_label(g).to_dict()
        for p, g in zip(preds, gts)
    ]
    metric.process(None, samples)
    return metric.evaluate(len(samples))


class TestShotAccuracy(TestCase):
    COUNTS = [500, 101, 100, 20, 19, 1]  # many, many, med, med, few, few

    def test_groups_and_thresholds(self):
        metric = METRICS.build(
            dict(type='ShotAccuracy', class_counts=self.COUNTS))
        gts = [0, 0, 1, 2, 3, 4, 5, 5]
        preds = [0, 1, 1, 2, 0, 4, 5, 0]
        res = evaluate(metric, preds, gts)
        self.assertAlmostEqual(res['shot/top1'], 100 * 5 / 8)
        self.assertAlmostEqual(res['shot/many'], 100 * (0.5 + 1) / 2)
        self.assertAlmostEqual(res['shot/medium'], 100 * (1 + 0) / 2)
        self.assertAlmostEqual(res['shot/few'], 100 * (1 + 0.5) / 2)

    def test_configurable_thresholds_and_missing_group(self):
        metric = METRICS.build(
            dict(type='ShotAccuracy', class_counts=self.COUNTS,
                 many_shot_thr=200, few_shot_thr=2))
        res = evaluate(metric, [0, 1], [0, 1])
        # classes 0 (many) and 1 (medium) evaluated, no few-shot class
        self.assertEqual(set(res), {'shot/top1', 'shot/many', 'shot/medium'})

    def test_needs_counts(self):
        metric = METRICS.build(dict(type='ShotAccuracy'))
        with pytest.raises(RuntimeError, match='training class counts'):
            evaluate(metric, [0], [0])
        metric.set_class_counts([3, 3])
        self.assertEqual(evaluate(metric, [1], [1])['shot/top1'], 100.0)

    def test_label_beyond_training_classes(self):
        metric = METRICS.build(dict(type='ShotAccuracy', class_counts=[5, 5]))
        with pytest.raises(ValueError, match='label 2'):
            evaluate(metric, [0], [2])

    def test_pred_label_tensor(self):
        metric = METRICS.build(dict(type='ShotAccuracy', class_counts=[5, 5]))
        sample = DataSample().set_pred_label(torch.tensor([1]))
        sample.set_gt_label(1)
        metric.process(None, [sample.to_dict()])
        self.assertEqual(metric.evaluate(1)['shot/top1'], 100.0)
