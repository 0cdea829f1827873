"""Evaluate a checkpoint with an mmbcl / MMPretrain config.

Example:
    python tools/test.py configs/bcl/resnet32_cifar10_lt_r100.py \
        work_dirs/resnet32_cifar10_lt_r100/epoch_200.pth
"""
import argparse
import os
import os.path as osp

from mmengine.config import DictAction
from mmengine.runner import Runner

import mmbcl  # noqa: F401  (registers mmbcl's components)
from mmbcl.datasets import (DataNotFoundError, UnreadableImageError,
                            check_data, unreadable_images_first)
from mmbcl.utils import (CheckpointError, ConfigError, check_checkpoint,
                         end_launched_process, load_config,
                         setup_cpu_distributed, teardown_distributed)
from mmbcl.utils.build_errors import explain_build_errors
from mmbcl.utils.cli import one_line_errors
from mmbcl.utils.config import warn_misspelt_keys


def parse_args():
    parser = argparse.ArgumentParser(description='Test a classifier')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument('--work-dir', help='the dir to save logs')
    parser.add_argument(
        '--out',
        help='write labels, predictions, training class counts and class '
        'feature means to this .npz file (DumpLTResults), the input of '
        'tools/analysis_tools/ and tools/visualization/')
    parser.add_argument(
        '--out-feature',
        default='contrast_feat',
        help='the data-sample feature whose class means --out keeps: '
        'contrast_feat (BCLHead\'s contrastive feature, the default) or '
        'backbone_feat (the pooled backbone/neck feature)')
    parser.add_argument(
        '--amp', action='store_true', help='enable automatic mixed precision')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    os.environ.setdefault('LOCAL_RANK', str(args.local_rank))
    return args


@one_line_errors(CheckpointError, ConfigError, DataNotFoundError,
                 UnreadableImageError)
def main():
    args = parse_args()
    if '://' not in args.checkpoint:  # a URL is checked once downloaded
        check_checkpoint(args.checkpoint, 'tools/test.py')
    cfg = load_config(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir') is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])
    cfg.load_from = args.checkpoint
    if args.amp:
        cfg.test_cfg.fp16 = True
    if args.out is not None:
        if not args.out.endswith('.npz'):
            stem = args.out.rsplit('.', 1)[0] if '.' in args.out else args.out
            raise ConfigError(
                f'--out writes an .npz results file (arrays only, no '
                f'pickle), got {args.out!r}; use --out {stem}.npz')
        cfg.test_evaluator = list(cfg.test_evaluator) if isinstance(
            cfg.test_evaluator, (list, tuple)) else [cfg.test_evaluator]
        cfg.test_evaluator.append(
            dict(type='DumpLTResults', out_file_path=args.out,
                 feature_key=args.out_feature))
    warn_misspelt_keys(cfg)
    check_data(cfg)  # one line before the config dump if data is missing
    setup_cpu_distributed(cfg, args.launcher)
    with explain_build_errors(cfg, args.config):
        runner = Runner.from_cfg(cfg)
        with unreadable_images_first():
            metrics = runner.test()
    teardown_distributed()
    return metrics


if __name__ == '__main__':
    main()
    end_launched_process()
