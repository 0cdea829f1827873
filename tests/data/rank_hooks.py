"""Hooks for the multi-process tests: KillHook kills training the way a
cluster does; RecordRankHook records what each rank sees and computes.

KillHook:

``mode='after_save'``: killed right after the checkpoint of ``epoch`` is
written. ``mode='mid_save'``: killed while that checkpoint is being written,
half of its bytes on disk.
"""
import os

from mmengine.fileio import LocalBackend
from mmengine.hooks import Hook

from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class KillHook(Hook):

    priority = 'LOWEST'

    def __init__(self, epoch: int, mode: str = 'after_save'):
        self.epoch = epoch
        self.mode = mode

    def before_run(self, runner):
        if self.mode != 'mid_save':
            return
        original = LocalBackend.put
        target = f'epoch_{self.epoch}.pth'

        def put_half_then_die(backend, obj, filepath):
            if not str(filepath).endswith(target):
                return original(backend, obj, filepath)
            with open(filepath, 'wb') as f:
                f.write(obj[:len(obj) // 2])
                f.flush()
            os._exit(137)

        LocalBackend.put = put_half_then_die

    def after_train_epoch(self, runner):
        if self.mode == 'after_save' and runner.epoch + 1 == self.epoch:
            os._exit(137)  # hooks of lower priority (none) never run


@HOOKS.register_module()
class RecordRankHook(Hook):
    """Write each rank's pid, validation metrics and, after training, its
    own copy of the model's parameters and buffers into the work dir."""

    def before_run(self, runner):
        with open(f'{runner.work_dir}/pid_rank{runner.rank}', 'w') as f:
            f.write(str(os.getpid()))

    def after_val_epoch(self, runner, metrics=None):
        import json
        with open(f'{runner.work_dir}/metrics_rank{runner.rank}.jsonl',
                  'a') as f:
            f.write(json.dumps(metrics, sort_keys=True) + '\n')

    def after_train(self, runner):
        import torch
        from mmengine.model import is_model_wrapper
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save(
            dict(params={k: v.detach().cpu()
                         for k, v in model.named_parameters()},
                 buffers={k: v.cpu() for k, v in model.named_buffers()}),
            f'{runner.work_dir}/model_rank{runner.rank}.pt')
