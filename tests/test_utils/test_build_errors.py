"""A config mistake below the top level is one line that names the key
path and the fix; a schedule follows max_epochs however it is set."""
import os.path as osp

import pytest

import mmbcl  # noqa: F401
from mmbcl.errors import ConfigError
from mmbcl.utils.build_errors import accepted_arguments, explain_build_errors
from tests.cli import tool_error
from tests.conftest import ROOT

DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')


def child(tmp_path, body, name='child.py'):
    path = tmp_path / name
    path.write_text(f'_base_ = [{DEMO!r}]\n' + body)
    return str(path)


def test_a_misspelt_loop_argument_is_one_line(tmp_path):
    config = child(tmp_path, 'train_cfg = dict(max_epoch=10)\n')
    message = tool_error('tools.train', config, '--work-dir',
                         str(tmp_path / 'work'))
    assert message == (
        "error: train_cfg.max_epoch: EpochBasedTrainLoop takes no argument "
        "'max_epoch'; did you mean 'max_epochs'?")


def test_an_inherited_argument_names_delete(tmp_path):
    """CustomDataset in place of the demo's SyntheticLT without
    ``_delete_=True``: the base's ``split`` is merged in."""
    folder = tmp_path / 'images'
    folder.mkdir()
    config = child(tmp_path, (
        'train_dataloader = dict(dataset=dict(type="CustomDataset", '
        f'data_root={str(folder)!r}))\n'))
    message = tool_error('tools.train', config, '--work-dir',
                         str(tmp_path / 'work'))
    assert message.startswith(
        "error: train_dataloader.dataset.split: CustomDataset takes no "
        "argument 'split'")
    assert 'comes from a base config' in message
    assert 'add _delete_=True to it' in message


def test_other_type_errors_keep_their_traceback():
    with pytest.raises(TypeError, match='unsupported operand'):
        with explain_build_errors(dict(train_cfg=dict(max_epochs=1))):
            raise TypeError('unsupported operand')


def test_accepted_arguments_follow_kwargs_up_the_bases():
    from mmpretrain.datasets import CustomDataset
    accepted = accepted_arguments(CustomDataset)
    assert 'data_root' in accepted and 'pipeline' in accepted  # BaseDataset
    assert 'split' not in accepted


def test_a_config_error_is_a_config_error():
    cfg = dict(model=dict(type='BCLHead', num_class=3))
    with pytest.raises(ConfigError, match=r"model.num_class: BCLHead takes "
                       r"no argument 'num_class'; did you mean "
                       r"'num_classes'\?"):
        with explain_build_errors(cfg):
            raise TypeError("BCLHead.__init__() got an unexpected keyword "
                            "argument 'num_class'")


@pytest.mark.parametrize('route', ['inherited', '--cfg-options'])
def test_a_shorter_run_rescales_the_schedule(tmp_path, route, capsys):
    """3 epochs, set in a config that inherits the demo or through
    --cfg-options: the warm-up and cosine end at epoch 3 either way, and
    the log says what the schedule became."""
    config = child(tmp_path, 'train_cfg = dict(max_epochs=3)\n') \
        if route == 'inherited' else DEMO
    work = str(tmp_path / 'work')
    options = ['train_dataloader.dataset.n_max=40',
               'train_dataloader.dataset.imb_factor=0.1',
               'train_dataloader.num_workers=0', 'val_cfg=None',
               'val_dataloader=None', 'val_evaluator=None',
               'default_hooks.checkpoint.interval=3']
    if route == '--cfg-options':
        options.append('train_cfg.max_epochs=3')
    from tests.cli import call_tool
    runner = call_tool('tools.train', config, '--work-dir', work,
                       '--cfg-options', *options)
    out = capsys.readouterr().out
    assert 'train_cfg.max_epochs=3, the schedule was written for 20' in out
    assert 'param_scheduler[0] (LinearLR) dropped' in out  # 2 -> 0 epochs
    assert 'begin 2 -> 0, T_max 18 -> 3' in out
    last_lr = runner.message_hub.get_scalar('train/lr').current()
    assert last_lr < 0.05 * 0.05, last_lr  # annealed to near zero


def test_a_config_inherits_mmbcl_configs_by_package(tmp_path):
    """``_base_ = ['mmbcl::bcl/...']`` once mmbcl is imported, as its tools
    and mim import it; the schedule's origin is found through it too."""
    from mmengine.config import Config

    from mmbcl.utils.config_origin import schedule_written_for
    path = tmp_path / 'mine.py'
    path.write_text("_base_ = ['mmbcl::bcl/resnet8_synthetic_lt_demo.py']\n"
                    'train_cfg = dict(max_epochs=3)\n')
    cfg = Config.fromfile(str(path))
    assert cfg.model.head.type == 'BCLHead' and cfg.train_cfg.max_epochs == 3
    assert schedule_written_for(str(path)) == 20
