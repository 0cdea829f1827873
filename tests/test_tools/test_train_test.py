"""tools/train.py and tools/test.py end to end on the embedded data."""
import glob
import json
import math
import os.path as osp
import subprocess
import sys

import pytest

from mmbcl.datasets import long_tail_profile
from mmbcl.evaluation import load_lt_results

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')
DEMO_TB = osp.join(ROOT, 'tests', 'data', 'demo_tensorboard.py')
# The demo, shrunk: 366 training images (a many-shot class included).
TINY = [
    'train_dataloader.dataset.n_max=150', 'train_dataloader.batch_size=48',
    'train_dataloader.num_workers=0',
    'train_dataloader.persistent_workers=False',
    'val_dataloader.dataset.test_per_class=10', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1', 'default_hooks.logger.interval=1'
]
ITERS = math.ceil(sum(long_tail_profile(150, 10, 0.01)) / 48)


def run(*args, check=True):
    proc = subprocess.run([sys.executable, *args],
                          cwd=ROOT,
                          capture_output=True,
                          text=True,
                          timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f'{args} failed:\n{proc.stdout[-3000:]}\n'
                             f'{proc.stderr[-3000:]}')
    return proc


def train_losses(work_dir):
    losses = []
    for path in sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'loss' in record:
                    losses.append(record['loss'])
    return losses


@pytest.fixture(scope='module')
def trained(tmp_path_factory):
    work_dir = str(tmp_path_factory.mktemp('demo'))
    proc = run('tools/train.py', DEMO_TB, '--work-dir', work_dir,
               '--cfg-options', 'train_cfg.max_epochs=3', *TINY)
    return work_dir, proc


def test_train_learns_and_saves(trained):
    work_dir, proc = trained
    losses = train_losses(work_dir)
    assert len(losses) == 3 * ITERS
    assert sum(losses[-4:]) / 4 < 0.7 * sum(losses[:4]) / 4, losses
    assert osp.isfile(osp.join(work_dir, 'epoch_3.pth'))
    assert 'overall' in proc.stdout and 'few' in proc.stdout


def test_loss_parts_in_tensorboard(trained):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    work_dir, _ = trained
    events = glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'events.out.tfevents.*'))
    assert events
    accumulator = EventAccumulator(events[0])
    accumulator.Reload()
    tags = set(accumulator.Tags()['scalars'])
    assert {'loss', 'loss_cls', 'loss_bcl', 'shot/top1', 'shot/few'} <= tags
    assert len(accumulator.Scalars('loss_bcl')) == 3 * ITERS


def test_resume_continues(trained):
    work_dir, _ = trained
    proc = run('tools/train.py', DEMO_TB, '--work-dir', work_dir, '--resume',
               '--cfg-options', 'train_cfg.max_epochs=4', *TINY)
    log = proc.stdout + proc.stderr
    assert 'resumed epoch: 3' in log, log[-3000:]
    assert osp.isfile(osp.join(work_dir, 'epoch_4.pth'))
    assert len(train_losses(work_dir)) == 4 * ITERS


def test_test_from_checkpoint(trained, tmp_path):
    work_dir, _ = trained
    out = str(tmp_path / 'results.pkl')
    proc = run('tools/test.py', DEMO, osp.join(work_dir, 'epoch_3.pth'),
               '--work-dir', str(tmp_path), '--out', out, '--cfg-options',
               'test_dataloader.dataset.test_per_class=10')
    log = proc.stdout + proc.stderr
    assert 'from the checkpoint' in log
    for key in ('shot/top1', 'shot/many', 'shot/medium', 'shot/few'):
        assert key in log
    results = load_lt_results(out)
    assert results['class_counts'] == long_tail_profile(150, 10, 0.01)
    assert results['gt_labels'].shape == (100, )
    assert results['class_feature_means'].shape == (10, 128)


def test_inference_on_the_checkpoint(trained, tmp_path):
    """The README's inference examples: MMPretrain's inferencer and
    init_model + inference_model on an mmbcl config and checkpoint."""
    import cv2
    import numpy as np
    from mmpretrain import ImageClassificationInferencer
    from mmpretrain.apis import inference_model, init_model

    from mmbcl.datasets import SyntheticLT
    work_dir, _ = trained
    checkpoint = osp.join(work_dir, 'epoch_3.pth')
    sample = SyntheticLT(split='test', test_per_class=2)[0]
    image = str(tmp_path / 'texture.png')
    cv2.imwrite(image, sample['img'][..., ::-1])  # RGB array, BGR file

    inferencer = ImageClassificationInferencer(DEMO, pretrained=checkpoint)
    result = inferencer(image)[0]
    assert result['pred_scores'].shape == (10, )
    assert np.isclose(result['pred_scores'].sum(), 1, atol=1e-4)
    assert 0 <= result['pred_label'] < 10

    model = init_model(DEMO, checkpoint, device='cpu')
    again = ImageClassificationInferencer(model)(image)[0]
    assert again['pred_label'] == result['pred_label']
    np.testing.assert_allclose(again['pred_scores'], result['pred_scores'],
                               rtol=1e-5, atol=1e-6)
    # by the model's name in the hub (it knows the task, so the inferencer)
    by_name = inference_model('bcl_resnet8_synthetic_lt_demo', image,
                              pretrained=checkpoint, device='cpu')
    assert by_name['pred_label'] == result['pred_label']
