"""How many classes a training batch misses: the regime BCL is built for.

Class-complement and class-averaging (BCL, eq. 6) answer classes missing
from a batch. This prints, for a config's training set (its class counts,
as ``ClassCountsHook`` reads them) and batch size, the expected number of
classes absent from one batch of a shuffled epoch, by shot group, and the
chance that a batch holds the rarest class. Sampling is without
replacement within the epoch (``DefaultSampler(shuffle=True)``):
``P(class c absent) = C(N - n_c, B) / C(N, B)``.

Example:
    python tools/analysis_tools/absent_classes.py \\
        configs/bcl/resnet32_mnist5k_lt_r100.py
    python tools/analysis_tools/absent_classes.py \\
        configs/bcl/resnet32_mnist5k_lt_r100.py --batch-size 16
"""
import argparse
from typing import Dict, Sequence

import numpy as np
from mmengine.config import Config, DictAction


def absent_probability(class_counts: Sequence[int],
                       batch_size: int) -> np.ndarray:
    """Per class, the probability that a batch of ``batch_size`` drawn
    without replacement from the ``sum(class_counts)`` images holds none
    of its images."""
    counts = np.asarray(class_counts, dtype=np.int64)
    total = int(counts.sum())
    if not 0 < batch_size <= total:
        raise ValueError(f'batch_size must be in 1..{total} (the training '
                         f'images), got {batch_size}')
    # prod_{k < n_c} (N - B - k) / (N - k), in logs
    out = np.empty(len(counts))
    for c, n in enumerate(counts):
        k = np.arange(n)
        remaining = total - batch_size - k
        out[c] = 0.0 if (remaining <= 0).any() else float(
            np.exp(np.sum(np.log(remaining) - np.log(total - k))))
    return out


def absent_report(class_counts: Sequence[int], batch_size: int,
                  many_shot_thr: int = 100,
                  few_shot_thr: int = 20) -> Dict[str, float]:
    """Expected classes absent from a batch, overall and by shot group
    (``absent/<group>`` of ``classes/<group>``), and ``rarest_present``,
    the chance a batch holds the rarest class."""
    from mmbcl.evaluation import shot_groups
    absent = absent_probability(class_counts, batch_size)
    report = {'classes': len(absent), 'absent': float(absent.sum())}
    for name, mask in shot_groups(class_counts, many_shot_thr,
                                  few_shot_thr).items():
        report[f'classes/{name}'] = int(mask.sum())
        report[f'absent/{name}'] = float(absent[mask].sum())
    report['rarest_present'] = float(1 - absent[np.argmin(class_counts)])
    return report


def config_counts(config: str, options=None):
    """(class counts, batch size) of a config's training set."""
    from mmengine.registry import DefaultScope

    import mmbcl  # noqa: F401
    from mmbcl.datasets.class_counts import get_class_counts
    from mmpretrain.registry import DATASETS
    cfg = Config.fromfile(config)
    if options:
        cfg.merge_from_dict(options)
    dataset = dict(cfg.train_dataloader.dataset, pipeline=[])
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        counts = get_class_counts(DATASETS.build(dataset))
    return counts, cfg.train_dataloader.batch_size


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('config')
    parser.add_argument('--batch-size', type=int,
                        help='default: the config\'s train batch size')
    parser.add_argument('--cfg-options', nargs='+', action=DictAction)
    args = parser.parse_args(argv)
    counts, batch = config_counts(args.config, args.cfg_options)
    batch = args.batch_size or batch
    report = absent_report(counts, batch)
    print(f'{args.config}: {len(counts)} classes, {int(sum(counts))} '
          f'training images ({int(max(counts))} -> {int(min(counts))} a '
          f'class), batches of {batch}')
    print('| group | classes | absent from a batch (expected) |')
    print('|---|---|---|')
    for name in ('many', 'medium', 'few'):
        print(f'| {name} | {report[f"classes/{name}"]} | '
              f'{report[f"absent/{name}"]:.2f} |')
    print(f'| all | {report["classes"]} | {report["absent"]:.2f} |')
    print(f'A batch holds the rarest class with probability '
          f'{report["rarest_present"]:.2f}.')
    return report


if __name__ == '__main__':
    main()
