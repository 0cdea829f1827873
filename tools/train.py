"""Train a model with an mmbcl / MMPretrain config.

Example:
    python tools/train.py configs/bcl/resnet32_cifar10_lt_r100.py
"""
import argparse
import os
import os.path as osp

import torch
from mmengine.config import DictAction
from mmengine.runner import Runner

import mmbcl  # noqa: F401  (registers mmbcl's components)
from mmbcl.datasets import (DataNotFoundError, UnreadableImageError,
                            check_data, unreadable_images_first)
from mmbcl.engine.hooks import TrainingDivergedError
from mmbcl.utils import (CheckpointError, ConfigError, check_checkpoint,
                         end_launched_process, find_resume_checkpoint,
                         hold_global_batch, launched_world_size, load_config,
                         setup_cpu_distributed, teardown_distributed)
from mmbcl.utils.build_errors import explain_build_errors
from mmbcl.utils.cli import one_line_errors
from mmbcl.utils.config import warn_misspelt_keys
from mmbcl.utils.config_origin import schedule_written_for
from mmbcl.utils.schedule import fit_schedule_to_epochs


def parse_args():
    parser = argparse.ArgumentParser(description='Train a classifier')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from this checkpoint, or with no value from the latest '
        'checkpoint in the work dir')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate with the total batch size')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, e.g. '
        'train_cfg.max_epochs=10')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


def merge_args(cfg, args):
    """Apply the command-line options to ``cfg``."""
    if args.no_validate:
        for key in ('val_cfg', 'val_dataloader', 'val_evaluator'):
            cfg[key] = None
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    if args.amp:
        if not torch.cuda.is_available():
            raise SystemExit(
                '--amp needs a GPU: mmengine\'s AmpOptimWrapper does not run '
                'on CPU. mmbcl computes the contrastive loss in fp32 inside '
                'autocast either way.')
        cfg.optim_wrapper.type = 'AmpOptimWrapper'
        cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')
    if args.resume is not None:
        if args.resume != 'auto':
            check_checkpoint(args.resume, '--resume')
        cfg.resume = True
        cfg.load_from = None if args.resume == 'auto' else args.resume
    if args.auto_scale_lr:
        cfg.auto_scale_lr.enable = True
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # the schedule follows max_epochs whether a config that inherits it or
    # --cfg-options sets max_epochs (unless --cfg-options sets the schedule)
    written_for = cfg.train_cfg.get('max_epochs') if any(
        k.startswith('param_scheduler') for k in args.cfg_options or {}) \
        else schedule_written_for(args.config)
    for line in fit_schedule_to_epochs(cfg, written_for):
        print(line, flush=True)
    if cfg.get('resume') is True and not cfg.get('load_from'):
        # --resume without a path, or resume=True in the config: the newest
        # complete checkpoint, even if the job was killed while saving one;
        # none yet: start from scratch, as mmengine does
        cfg.load_from = find_resume_checkpoint(cfg.work_dir)
        if cfg.load_from is None:
            print(f'resume: no complete epoch_N.pth / iter_N.pth in '
                  f'{cfg.work_dir}; training from scratch', flush=True)
            cfg.resume = False
    if 'train_dataloader.batch_size' not in (args.cfg_options or {}):
        # an explicit per-process batch size wins over global_batch_size
        hold_global_batch(cfg, launched_world_size(args.launcher))
    if cfg.get('load_from') and '://' not in cfg.load_from:
        # checked before the run starts; a URL is checked once downloaded
        # (mmbcl routes every MMEngine checkpoint load through the check)
        check_checkpoint(cfg.load_from, 'load_from')
    return cfg


def print_shot_summary(runner) -> None:
    """Print the last validation's ShotAccuracy as one table row, and the
    best overall accuracy over the run's validations (the model
    ``CheckpointHook(save_best=...)`` kept, if the config keeps one)."""
    scalars = runner.message_hub.log_scalars
    keys = [k for k in ('top1', 'many', 'medium', 'few')
            if f'val/shot/{k}' in scalars]
    if not keys or runner.rank != 0:
        return
    values = [scalars[f'val/shot/{k}'].current() for k in keys]
    names = {'top1': 'overall'}
    header = ' | '.join(f'{names.get(k, k):>8}' for k in keys)
    row = ' | '.join(f'{v:8.2f}' for v in values)
    print(f'\nFinal validation accuracy (%):\n{header}\n{row}', flush=True)
    best = runner.message_hub.get_info('best_score')
    checkpoint = runner.message_hub.get_info('best_ckpt')
    if best is not None:
        kept = f' (kept as {checkpoint})' if checkpoint else ''
        print(f'Best validation overall accuracy over the run: {best:.2f}'
              f'{kept}', flush=True)


@one_line_errors(CheckpointError, ConfigError, DataNotFoundError,
                 UnreadableImageError, TrainingDivergedError)
def main():
    args = parse_args()
    cfg = merge_args(load_config(args.config), args)
    warn_misspelt_keys(cfg)
    check_data(cfg)  # one line before the config dump if data is missing
    setup_cpu_distributed(cfg, args.launcher)
    with explain_build_errors(cfg, args.config):
        runner = Runner.from_cfg(cfg)
        with unreadable_images_first():
            runner.train()
    print_shot_summary(runner)
    teardown_distributed()
    return runner


if __name__ == '__main__':
    main()
    end_launched_process()
