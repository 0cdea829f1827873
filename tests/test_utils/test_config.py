"""hold_global_batch: a config's global batch under any number of
processes."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

import mmbcl  # noqa: F401
from mmbcl.utils import hold_global_batch, launched_world_size

DEMO = 'configs/bcl/resnet8_synthetic_lt_demo.py'
CIFAR = 'configs/bcl/resnet32_cifar100_lt_r100.py'


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


@pytest.mark.parametrize('config, epochs, expected', [
    # the demo: a 2-epoch warm-up then cosine over 20 epochs
    ('configs/bcl/resnet8_synthetic_lt_demo.py', 1,
     [dict(type='CosineAnnealingLR', begin=0, T_max=1)]),
    ('configs/bcl/resnet8_synthetic_lt_demo.py', 10,
     [dict(type='LinearLR', begin=0, end=1),
      dict(type='CosineAnnealingLR', begin=1, T_max=9)]),
    # CIFAR: 5-epoch warm-up, steps at 160 and 180 of 200
    ('configs/bcl/resnet32_cifar100_lt_r100.py', 40,
     [dict(type='LinearLR', begin=0, end=1), dict(
         type='MultiStepLR', begin=0, milestones=[32, 36])]),
    ('configs/bcl/resnet32_cifar100_lt_r100.py', 20,  # warm-up < 1 epoch
     [dict(type='MultiStepLR', begin=0, milestones=[16, 18])]),
])
def test_schedule_follows_max_epochs(config, epochs, expected):
    """--cfg-options train_cfg.max_epochs=N scales the schedule; before, the
    demo at max_epochs=1 failed with 'end should be larger than begin'."""
    from mmbcl.utils.schedule import fit_schedule_to_epochs
    cfg = Config.fromfile(config)
    written_for = cfg.train_cfg.max_epochs
    cfg.train_cfg.max_epochs = epochs
    notes = fit_schedule_to_epochs(cfg, written_for)
    assert notes[0].startswith(f'train_cfg.max_epochs={epochs}')
    got = [{k: s[k] for k in want} for s, want in zip(cfg.param_scheduler,
                                                      expected)]
    assert len(cfg.param_scheduler) == len(expected)
    assert got == expected


def test_misspelt_top_level_key_is_named(capsys, tmp_path):
    """`train_dataloder = dict(batch_size=32)` was silently ignored (the
    run trained at batch 64); tools/train.py names it and the key it
    resembles, before anything else."""
    from tests.cli import tool_error
    config = tmp_path / 'typo.py'
    config.write_text(
        "_base_ = ['{}']\ntrain_dataloder = dict(batch_size=32)\n".format(
            osp.abspath(CIFAR)))
    tool_error('tools.train', str(config), '--cfg-options',
               f'train_dataloader.dataset.data_root={tmp_path}/none',
               'train_dataloader.dataset.download=False')
    out = capsys.readouterr().out
    assert ("warning: config key 'train_dataloder' is read by nothing; "
            "did you mean 'train_dataloader'?") in out


ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


@pytest.mark.parametrize('path', sorted(
    osp.relpath(p, ROOT)
    for p in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                       recursive=True) if '_base_' not in p))
def test_shipped_configs_have_no_misspelt_keys(path):
    from mmbcl.utils.config import misspelt_keys
    from tests.config_cache import load_config
    assert misspelt_keys(load_config(osp.join(ROOT, path))) == [], path
