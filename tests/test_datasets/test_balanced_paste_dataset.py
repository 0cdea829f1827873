"""BalancedPasteDataset: the item as without ConCutMix, plus only the
classification view of its paste image, on the CPU and gpu-aug pipelines."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmengine.config import Config
from mmengine.registry import DefaultScope

import mmbcl  # noqa: F401
from mmbcl.datasets.balanced_paste_dataset import classification_view_pipeline
from mmpretrain.registry import DATASETS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
SOURCE = dict(type='SyntheticLT', split='train', n_max=20, imb_factor=0.1)


def build(pipeline, **kwargs):
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        return DATASETS.build(dict(type='BalancedPasteDataset',
                                   dataset=dict(SOURCE, pipeline=pipeline),
                                   **kwargs))


def test_paste_is_the_classification_view_of_the_paste_image():
    """Only the classification view of the paste image is made: here an
    identity view, so it is the paste image itself."""
    dataset = build([
        dict(type='MultiView', num_views=[1, 2],
             transforms=[[], [dict(type='RandomGrayscale', prob=1.0,
                                   keep_channels=True)]]),
        dict(type='PackInputs'),
    ])
    labels = dataset.get_gt_labels()
    paste_index = int(np.flatnonzero(labels == labels.max())[0])
    item = dataset[(0, paste_index, 1.0, 0.25, 0.5, 0.75)]
    assert len(item['inputs']) == 3
    image = dataset.dataset.get_data_info(paste_index)['img']
    torch.testing.assert_close(item['paste_inputs'],
                               torch.from_numpy(image).permute(2, 0, 1))
    assert item['paste_labels'].tolist() == [labels.max()]
    assert item['paste_plans'].tolist() == [1.0, 0.25, 0.5, 0.75]
    assert item['paste_plans'].dtype == torch.float64
    assert item['data_samples'].gt_label.tolist() == [labels[0]]
    np.testing.assert_array_equal(dataset.class_counts,
                                  dataset.dataset.class_counts)
    assert len(dataset) == len(dataset.dataset)


@pytest.mark.parametrize('recipe', ['resnet8_synthetic_lt_demo',
                                    'resnet8_synthetic_lt_demo_gpu-aug'])
def test_derived_paste_pipeline_of_the_recipes(recipe):
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'bcl', f'{recipe}.py'))
    pipeline = cfg.train_dataloader.dataset.pipeline
    derived = classification_view_pipeline(pipeline)
    assert derived[0]['num_views'] == [1]
    assert derived[0]['transforms'] == [pipeline[0]['transforms'][0]]
    assert [t['type'] for t in derived[1:]] == [t['type']
                                                for t in pipeline[1:]]
    dataset = build(pipeline)
    item = dataset[(3, 5, 0.0, 0.5, 0.5, 0.5)]
    view = item['inputs'][0]
    assert item['paste_inputs'].shape == view.shape
    assert item['paste_inputs'].dtype == view.dtype
    if 'augment_plans' in item:  # gpu-aug: view 0's device-side plan
        draw = derived[1]
        assert draw['view_augments'] == [pipeline[1]['view_augments'][0]]
        assert item['paste_augment_plans'].dim() == 1


def test_errors_say_what_to_do():
    dataset = build([dict(type='PackInputs')],
                    paste_pipeline=[dict(type='PackInputs')])
    with pytest.raises(TypeError, match='BalancedPasteSampler.*got the key '
                       '3'):
        dataset[3]
    with pytest.raises(ValueError, match='no MultiView.*pass paste_pipeline'):
        build([dict(type='PackInputs')])
    with pytest.raises(ValueError, match=r'num_views=\[2, 1\]'):
        build([dict(type='MultiView', num_views=[2, 1],
                    transforms=[[], []]), dict(type='PackInputs')])
