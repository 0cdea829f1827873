"""hold_global_batch: a config's global batch under any number of
processes."""
import pytest
from mmengine.config import Config

from mmbcl.utils import hold_global_batch, launched_world_size

DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'


@pytest.mark.parametrize('world, per_rank', [(1, 64), (2, 32), (4, 16)])
def test_demo_holds_its_global_batch(world, per_rank):
    cfg = Config.fromfile(DEMO)
    hold_global_batch(cfg, world)
    assert cfg.train_dataloader.batch_size == per_rank
    assert cfg.auto_scale_lr.base_batch_size == cfg.global_batch_size


def test_indivisible_global_batch_refused():
    cfg = Config.fromfile(DEMO)
    with pytest.raises(ValueError, match=r'global_batch_size=64 must be a '
                       r'positive multiple of the number of processes \(3\)'):
        hold_global_batch(cfg, 3)


def test_configs_without_it_are_untouched():
    cfg = Config(dict(train_dataloader=dict(batch_size=32)))
    hold_global_batch(cfg, 8)
    assert cfg.train_dataloader.batch_size == 32


def test_world_size_of_each_launcher(monkeypatch):
    monkeypatch.setenv('WORLD_SIZE', '4')
    monkeypatch.setenv('SLURM_NTASKS', '16')
    assert launched_world_size('pytorch') == 4
    assert launched_world_size('slurm') == 16
    assert launched_world_size('none') == 1
