"""tools/train.py and tools/test.py end to end on the embedded data: the
session's shared demo run (tests/conftest.py) and what a user does with
its checkpoint."""
import glob
import json
import math
import os.path as osp

import pytest

from mmbcl.datasets import long_tail_profile
from mmbcl.evaluation import load_lt_results
from tests.cli import call_tool
from tests.conftest import DEMO, DEMO_EPOCHS, DEMO_TINY

# the session's shared demo run is trained once, in one xdist worker
pytestmark = pytest.mark.xdist_group('demo_run')

ITERS = math.ceil(sum(long_tail_profile(150, 10, 0.01)) / 48)


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


def test_train_learns_and_saves(demo_run):
    work_dir, final = demo_run
    losses = train_losses(work_dir)
    assert len(losses) == DEMO_EPOCHS * ITERS
    assert sum(losses[-4:]) / 4 < 0.7 * sum(losses[:4]) / 4, losses
    assert osp.isfile(osp.join(work_dir, f'epoch_{DEMO_EPOCHS}.pth'))
    assert {'shot/top1', 'shot/many', 'shot/medium', 'shot/few'} <= set(
        final)


def test_loss_parts_in_tensorboard(demo_run):
    from tensorboard.backend.event_processing.event_accumulator import \
        EventAccumulator
    work_dir, _ = demo_run
    events = glob.glob(
        osp.join(work_dir, '*', 'vis_data', 'events.out.tfevents.*'))
    assert events
    accumulator = EventAccumulator(events[0])
    accumulator.Reload()
    tags = set(accumulator.Tags()['scalars'])
    assert {'loss', 'loss_cls', 'loss_bcl', 'shot/top1', 'shot/few'} <= tags
    assert len(accumulator.Scalars('loss_bcl')) == DEMO_EPOCHS * ITERS


@pytest.fixture(scope='module')
def demo_results(demo_run, tmp_path_factory):
    """tools/test.py --out on the demo's last checkpoint."""
    work_dir, _ = demo_run
    out_dir = tmp_path_factory.mktemp('demo_test')
    out = str(out_dir / 'results.npz')
    metrics = call_tool(
        'tools.test', DEMO, osp.join(work_dir, f'epoch_{DEMO_EPOCHS}.pth'),
        '--work-dir', str(out_dir), '--out', out, '--cfg-options',
        *DEMO_TINY)
    return out, metrics


def test_test_from_checkpoint(demo_run, demo_results):
    """The counts come from the checkpoint; the numbers are the final
    validation's (the same model on the same images)."""
    _, final = demo_run
    out, metrics = demo_results
    for key in ('shot/top1', 'shot/many', 'shot/medium', 'shot/few'):
        assert metrics[key] == pytest.approx(final[key], abs=1e-6), key
    results = load_lt_results(out)
    assert results['class_counts'] == long_tail_profile(150, 10, 0.01)
    assert results['gt_labels'].shape == (100, )
    assert results['class_feature_means'].shape == (10, 128)


def test_final_summary_prints_last_and_best(capsys):
    """The last validation (mmbcl's protocol) and the best over the run's
    validations (ConCutMix reports the best), one line each."""
    from mmengine.logging import MessageHub

    from tools.train import print_shot_summary
    hub = MessageHub.get_instance('summary_test')
    for key, value in (('top1', 81.5), ('many', 95.0), ('medium', 80.0),
                       ('few', 60.25)):
        hub.update_scalar(f'val/shot/{key}', value)
    hub.update_info('best_score', 83.25)
    hub.update_info('best_ckpt', 'work_dirs/x/best_shot_top1_epoch_7.pth')

    class Runner:
        message_hub, rank = hub, 0

    print_shot_summary(Runner)
    out = capsys.readouterr().out.splitlines()
    assert out[-2].split() == ['81.50', '|', '95.00', '|', '80.00', '|',
                               '60.25']
    assert out[-1] == ('Best validation overall accuracy over the run: 83.25'
                       ' (kept as work_dirs/x/best_shot_top1_epoch_7.pth)')
