"""DumpLTResults writes the ``.npz`` results file ``tools/test.py --out``
gives, refuses any other suffix, and logs under its own prefix."""
import numpy as np
import pytest
import torch

import mmbcl  # noqa: F401
from mmbcl.evaluation import load_lt_results
from mmpretrain.registry import METRICS
from mmpretrain.structures import DataSample


def test_writes_labels_predictions_counts_and_class_means(tmp_path):
    path = str(tmp_path / 'results.npz')
    metric = METRICS.build(dict(type='DumpLTResults', out_file_path=path))
    assert metric.default_prefix == 'dump'
    metric.dataset_meta = dict(classes=['a', 'b'])
    metric.set_class_counts([5, 2])
    batch = []
    for label, pred in ((0, 0), (0, 1), (1, 1)):
        sample = DataSample().set_gt_label(label).set_pred_label(pred)
        sample.set_field(torch.full((4, ), float(label)), 'contrast_feat')
        batch.append(sample.to_dict())
    metric.process(None, batch)
    metric.evaluate(len(batch))
    data = load_lt_results(path)
    assert data['class_counts'] == [5, 2]
    assert data['classes'] == ['a', 'b']
    assert data['gt_labels'].tolist() == [0, 0, 1]
    assert data['pred_labels'].tolist() == [0, 1, 1]
    np.testing.assert_allclose(data['class_feature_means'],
                               [[0.0] * 4, [1.0] * 4])


def test_another_suffix_is_refused(tmp_path):
    with pytest.raises(ValueError, match='.npz'):
        METRICS.build(dict(type='DumpLTResults',
                           out_file_path=str(tmp_path / 'x.pkl')))
