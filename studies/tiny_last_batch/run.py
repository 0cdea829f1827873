"""What a 1-image last batch does to BCL, and through which mechanism.

Trains the demo on 1,345 images (``n_max=543``: 21 batches of 64 and a
last batch of 1) in four ways, each printed as its final overall
accuracy:

* ``last1``: the 1-image batch trained on (mmbcl refuses such a loader;
  the check is switched off here, in this process only);
* ``precise_bn``: ``last1``'s model with its BatchNorm running statistics
  re-estimated over the training data (is it the statistics?);
* ``skip_step``: the 1-image batch still runs forward (its BatchNorm
  statistics go in) but its optimizer step is skipped (is it the step?);
* ``drop_last``: ``train_dataloader.drop_last=True``.

Example (about 4 minutes a variant on one CPU core):
    OMP_NUM_THREADS=1 python studies/tiny_last_batch/run.py --seed 0
"""
import argparse
import os.path as osp
import tempfile

import torch
from mmengine.hooks import Hook
from mmengine.optim import OptimWrapper

import mmbcl  # noqa: F401
from mmbcl.engine.hooks import batch_size_check_hook

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')
VARIANTS = ('last1', 'skip_step', 'drop_last')


class SkipTinySteps(Hook):
    """Marks iterations whose batch holds fewer than 4 images."""

    priority = 'VERY_HIGH'
    tiny = False

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        SkipTinySteps.tiny = len(data_batch['data_samples']) < 4


def train(variant, seed, work_dir):
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(DEMO)
    cfg.train_dataloader.dataset.n_max = 543
    cfg.randomness.seed = seed
    cfg.train_cfg.val_interval = cfg.train_cfg.max_epochs
    cfg.work_dir = work_dir
    if variant == 'drop_last':
        cfg.train_dataloader.drop_last = True
    runner = Runner.from_cfg(cfg)
    if variant == 'skip_step':
        runner.register_hook(SkipTinySteps())
    runner.train()
    return runner, runner.message_hub.get_scalar('val/shot/top1').current()


def precise_bn(runner) -> float:
    """Re-estimate every BatchNorm's running statistics over the training
    data (without gradients), then validate again."""
    model = runner.model
    norms = [m for m in model.modules()
             if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    for norm in norms:
        norm.reset_running_stats()
        norm.momentum = None  # a cumulative average
    model.train()
    with torch.no_grad():
        for batch in runner.train_dataloader:
            data = model.data_preprocessor(batch, True)
            model.extract_feat(torch.cat(data['inputs'], 0))
    return runner.val_loop.run()['shot/top1']


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--seed', type=int, default=0)
    parser.add_argument('--variants', nargs='+', default=list(VARIANTS),
                        choices=VARIANTS)
    args = parser.parse_args()
    batch_size_check_hook.tiny_last_batch = lambda loader: 0  # this study only
    original = OptimWrapper.update_params

    def update_params(self, loss, *a, **kw):
        if SkipTinySteps.tiny:
            self.zero_grad()
            return None
        return original(self, loss, *a, **kw)

    OptimWrapper.update_params = update_params
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        for variant in args.variants:
            SkipTinySteps.tiny = False
            runner, top1 = train(variant, args.seed, osp.join(tmp, variant))
            results[variant] = top1
            if variant == 'last1':
                results['precise_bn'] = precise_bn(runner)
    print(f'\nseed {args.seed}, overall accuracy (%): ' + ', '.join(
        f'{k} {v:.1f}' for k, v in results.items()))


if __name__ == '__main__':
    main()
