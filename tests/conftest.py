"""Suite-wide pytest set-up.

* One thread per process, in the suite and in every process it starts:
  seeded results (and the exact-resume tests' bit-for-bit comparisons)
  hold for a given thread count, and processes running side by side on a
  2-core machine do not fight over cores (OpenMP threads spin).
* ``@pytest.mark.cuda`` tests need a GPU and are skipped without one.
* ``demo_run``: the one trained demo that every test reading a trained
  checkpoint shares (trained once per session, in-process, with
  ``tools/train.py``'s ``main``).
"""
import os
import os.path as osp

import pytest
import torch

os.environ['OMP_NUM_THREADS'] = '1'  # inherited by every subprocess
torch.set_num_threads(1)

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
DEMO = osp.join(ROOT, 'configs', 'bcl', 'resnet8_synthetic_lt_demo.py')
#: The demo with MMEngine's TensorBoard backend, as a user switches it on.
DEMO_TB = osp.join(ROOT, 'tests', 'data', 'demo_tensorboard.py')
#: The demo shrunk to 366 training images (a many-shot class included),
#: 8 iterations an epoch, 4 epochs, a checkpoint and a validation each.
DEMO_EPOCHS = 4
DEMO_TINY = [
    'train_dataloader.dataset.n_max=150', 'train_dataloader.batch_size=48',
    'val_dataloader.dataset.test_per_class=10',
    'test_dataloader.dataset.test_per_class=10',
    f'train_cfg.max_epochs={DEMO_EPOCHS}', 'train_cfg.val_interval=1',
    'default_hooks.checkpoint.interval=1',
    'default_hooks.checkpoint.max_keep_ckpts=5',
    'default_hooks.logger.interval=1'
]


def pytest_configure(config):
    """In-process runs skip yapf's formatting of the config text: MMEngine
    formats the whole config about ten times a run (log, dump, every
    checkpoint's meta), 0.2 s each; the text stays valid Python."""
    import mmengine.config.config as mmengine_config
    mmengine_config.FormatCode = lambda text, **kwargs: (text, None)


def pytest_collection_modifyitems(config, items):
    if torch.cuda.is_available():
        return
    skip = pytest.mark.skip(
        reason='needs CUDA (a GPU); run with `python -m pytest -m cuda '
        'tests` on a GPU machine')
    for item in items:
        if 'cuda' in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope='session')
def demo_run(tmp_path_factory):
    """The demo trained for 4 epochs on its tiny subset; read it, never
    write into it (copy the work dir first)."""
    from tests.cli import call_tool
    work_dir = str(tmp_path_factory.mktemp('demo_run'))
    runner = call_tool('tools.train', DEMO_TB, '--work-dir', work_dir,
                       '--cfg-options', *DEMO_TINY)
    scalars = runner.message_hub.log_scalars
    final = {k[len('val/'):]: v.current() for k, v in scalars.items()
             if k.startswith('val/')}
    return work_dir, final
