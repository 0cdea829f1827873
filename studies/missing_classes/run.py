"""BCL against SCL where classes are missing from batches.

Class-complement (every class's prototype joins every batch) and
class-averaging are the paper's answer to classes absent from a batch.
This trains SCL (``..._scl.py``: the same model with both switched off)
and BCL, seed by seed, in regimes chosen so that a batch misses classes,
and writes one Markdown report: per regime, how many classes a batch
misses (``absent_classes.py``), mean ± std over the seeds of the final
validation, and BCL - SCL paired by seed. Where it is cheap, BCL - LA-CE
(beta = 0, no contrastive loss) too: does the contrastive branch help once
batches are smaller or training is longer than in ``mnist5k_report.sh``?

Regimes (each run about 10 minutes or less on 2 CPU cores, JOBS at a time):

* ``mnist-b64``: MNIST5kLT, rho = 100, batches of 64 (the runs of
  ``mnist5k_report.sh``, reused from its work dir when they are there);
* ``mnist-b16``: the same with batches of 16 (learning rate scaled
  linearly, 0.0375 x 16 / 64); LA-CE as well in these two;
* ``mnist-r400``: rho = 400 (400 -> 1 training digit a class);
* ``synthetic-c100``: the demo's SyntheticLT with 100 classes (61 -> 3
  images a class, rho = 20), ResNet-8, batches of 64;
* ``mnist-e40``: ``mnist-b64`` trained for 40 epochs instead of 20 (the
  schedule scaled by ``tools/train.py``), BCL against LA-CE (beta = 0).

Example:
    python studies/missing_classes/run.py            # all
    python studies/missing_classes/run.py \\
        --regimes synthetic-c100 --seeds 0 1 2 --jobs 2 --out study.md
"""
import argparse
import os
import os.path as osp
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from mmengine.config import DictAction

HERE = osp.dirname(osp.abspath(__file__))
ROOT = osp.dirname(osp.dirname(HERE))
sys.path.insert(0, osp.join(ROOT, 'tools', 'analysis_tools'))
from absent_classes import absent_report, config_counts  # noqa: E402
from compare_runs import paired, table  # noqa: E402

MNIST = {'SCL': 'configs/bcl/ablation/resnet32_mnist5k_lt_r100_scl.py',
         'BCL': 'configs/bcl/resnet32_mnist5k_lt_r100.py'}
MNIST_LA_CE = {
    'LA-CE': 'configs/bcl/ablation/resnet32_mnist5k_lt_r100_la-ce.py',
    'BCL': MNIST['BCL']}
MNIST_ALL = dict(MNIST, **MNIST_LA_CE)
DEMO = {'SCL': 'configs/bcl/ablation/resnet8_synthetic_lt_demo_scl.py',
        'BCL': 'configs/bcl/resnet8_synthetic_lt_demo.py'}
C100 = ['model.head.num_classes=100', 'data_preprocessor.num_classes=100'] + [
    f'{loader}.dataset.{key}'
    for loader in ('train_dataloader', 'val_dataloader', 'test_dataloader')
    for key in ('num_classes=100', 'n_max=61', 'imb_factor=0.05')
] + ['val_dataloader.dataset.test_per_class=20',
     'test_dataloader.dataset.test_per_class=20']
#: name: (title, {method: config}, --cfg-options, epochs); BCL is compared
#: with each other method.
REGIMES = {
    'mnist-b64': ('MNIST5kLT, ρ = 100, batches of 64', MNIST_ALL, [], 20),
    'mnist-b16': ('MNIST5kLT, ρ = 100, batches of 16', MNIST_ALL, [
        'train_dataloader.batch_size=16', 'optim_wrapper.optimizer.lr=0.009375'
    ], 20),
    'mnist-r400': ('MNIST5kLT, ρ = 400 (400 → 1 a class), batches of 64',
                   MNIST, ['train_dataloader.dataset.imb_factor=0.0025'], 20),
    'synthetic-c100': ('SyntheticLT, 100 classes, ρ = 20 (61 → 3 a class), '
                       'ResNet-8, batches of 64', DEMO, C100, 20),
    'mnist-e40': ('MNIST5kLT, ρ = 100, batches of 64, 40 epochs: BCL vs LA-CE',
                  MNIST_LA_CE, ['train_cfg.max_epochs=40'], 40),
}


def run_dir(work, regime, method, seed):
    if regime == 'mnist-b64':  # the report's own runs
        report = os.environ.get('MNIST_REPORT_DIR',
                                osp.join('work_dirs', 'mnist5k_report'))
        return osp.join(report, f'{method.lower()}-s{seed}')
    return osp.join(work, regime, f'{method.lower()}-s{seed}')


def train(config, options, work_dir, seed, epochs, log):
    if osp.isfile(osp.join(work_dir, f'epoch_{epochs}.pth')):
        return 0.0
    os.makedirs(work_dir, exist_ok=True)
    begin = time.time()
    with open(work_dir + '.log', 'w') as out:
        subprocess.run([
            sys.executable, 'tools/train.py', config, '--work-dir', work_dir,
            '--cfg-options', f'randomness.seed={seed}', *options
        ], cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, check=True,
            env=dict(os.environ, OMP_NUM_THREADS='1'))
    minutes = (time.time() - begin) / 60
    with open(work_dir + '.minutes', 'w') as f:
        f.write(f'{minutes:.2f}\n')
    log(f'{work_dir}: {minutes:.1f} min')
    return minutes


def recorded_minutes(dirs):
    """The training minutes of those runs that recorded them, in the
    ``<run>.minutes`` files that ``train`` and ``mnist5k_report.sh``
    leave."""
    minutes = []
    for d in dirs:
        if osp.isfile(d + '.minutes'):
            with open(d + '.minutes') as f:
                minutes.append(float(f.read()))
    return minutes


def run_minutes(dirs):
    """'x-y min a run' over ``dirs``; '' when a run has no record."""
    minutes = recorded_minutes(dirs)
    if len(minutes) < len(dirs):
        return ''
    return f' Training took {min(minutes):.1f}–{max(minutes):.1f} min a run.'


def regime_section(name, work, seeds):
    title, configs, options, _ = REGIMES[name]
    parsed = {key: DictAction._parse_iterable(value)
              for key, value in (o.split('=', 1) for o in options)}
    counts, batch = config_counts(osp.join(ROOT, configs['BCL']), parsed)
    absent = absent_report(counts, batch)
    dirs = {m: [run_dir(work, name, m, s) for s in seeds] for m in configs}
    lines = [f'## {title}', '',
             f'`{name}`: {len(counts)} classes, {int(sum(counts))} training '
             f'images. A batch of {batch} misses {absent["absent"]:.1f} '
             f'classes on average ({absent["absent/few"]:.1f} of the '
             f'{absent["classes/few"]} few-shot ones); it holds the rarest '
             f'class with probability {absent["rarest_present"]:.2f}.' +
             run_minutes(sum(dirs.values(), [])), '',
             table(dirs)]
    lines += [paired(dirs, 'BCL', other, [str(x) for x in seeds])
              for other in configs if other != 'BCL']
    return '\n'.join(lines) + '\n'


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--regimes', nargs='+', default=list(REGIMES),
                        choices=list(REGIMES))
    parser.add_argument('--seeds', nargs='+', type=int, default=[0, 1, 2])
    parser.add_argument('--jobs', type=int, default=2)
    parser.add_argument('--work-dir', default='work_dirs/missing_classes')
    parser.add_argument('--out', default=osp.join(HERE, 'report.md'))
    args = parser.parse_args(argv)
    start = time.time()

    def log(message):
        elapsed = time.time() - start
        print(f'[{int(elapsed // 60)}m{int(elapsed % 60):02d}s] {message}',
              flush=True)

    jobs = [(REGIMES[r][1][m], REGIMES[r][2],
             run_dir(args.work_dir, r, m, s), s, REGIMES[r][3])
            for r in args.regimes for s in args.seeds
            for m in sorted(REGIMES[r][1], key=lambda m: m != 'BCL')
            ]  # BCL first: the longest runs
    log(f'{len(jobs)} runs, {args.jobs} at a time')
    with ThreadPoolExecutor(args.jobs) as pool:
        minutes = list(pool.map(lambda j: train(*j, log=log), jobs))
    sections = [regime_section(r, args.work_dir, args.seeds)
                for r in args.regimes]
    wall = (time.time() - start) / 60
    trained = sum(m > 0 for m in minutes)
    recorded = recorded_minutes([job[2] for job in jobs])
    header = [
        '# BCL where classes are missing from batches, and over a longer '
        'schedule', '',
        f'Made by `python studies/missing_classes/run.py` '
        f'(seeds {" ".join(map(str, args.seeds))}; runs trained '
        f'{args.jobs} side by side, one thread each, on {os.cpu_count()} '
        f'CPU cores). This call trained {trained} of the {len(jobs)} runs '
        f'({wall:.0f} min wall time) and reused the others, already trained'
        + ('' if 'mnist-b64' not in args.regimes else
           ', `mnist-b64`\'s from `studies/mnist5k/run.sh` in '
           f'`{osp.dirname(run_dir(args.work_dir, "mnist-b64", "BCL", 0))}`')
        + f'. Training took {sum(recorded):.0f} min in all for the '
        f'{len(recorded)} runs whose time was recorded (`<run>.minutes`); '
        'each regime gives its range.',
        'SCL is the same model with class-averaging and class-complement '
        'off; LA-CE (β = 0) is the same model without the contrastive loss. '
        'Each cell: mean ± standard deviation over the seeds of the '
        'final validation (many: > 100 training images, few: < 20).', '']
    os.makedirs(osp.dirname(osp.abspath(args.out)), exist_ok=True)
    with open(args.out, 'w') as f:
        f.write('\n'.join(header) + '\n' + '\n'.join(sections))
    log(f'wrote {args.out}')


if __name__ == '__main__':
    main()
