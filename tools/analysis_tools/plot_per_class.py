"""Per-class accuracy against training images per class.

Example:
    python tools/test.py CONFIG CHECKPOINT --out results.pkl
    python tools/analysis_tools/plot_per_class.py results.pkl --out acc.png
"""
import argparse

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmbcl.evaluation import (ResultsFileError, load_lt_results,  # noqa: E402,E501
                              shot_groups)
from mmbcl.utils.cli import one_line_errors  # noqa: E402

GROUP_COLOURS = dict(many='#d8e8f8', medium='#f8efd8', few='#f8dada')


def per_class_accuracy(results: dict) -> tuple:
    """Training counts and accuracy (%) of the classes in the test set."""
    counts = results['class_counts']
    if counts is None:
        raise ValueError('the results file has no training class counts; '
                         'test a checkpoint trained with ClassCountsHook')
    counts = np.asarray(counts)
    gts, preds = results['gt_labels'], results['pred_labels']
    totals = np.bincount(gts, minlength=len(counts))
    hits = np.bincount(gts[preds == gts], minlength=len(counts))
    seen = totals > 0
    return counts[seen], 100.0 * hits[seen] / totals[seen], seen


def plot(results: dict, out: str, title: str, many: int, few: int) -> None:
    counts, accuracy, _ = per_class_accuracy(results)
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    low, high = counts.min() * 0.8, counts.max() * 1.25
    bounds = dict(few=(low, few), medium=(few, many + 0.5),
                  many=(many + 0.5, high))
    groups = shot_groups(counts, many, few)
    for name, (a, b) in bounds.items():
        if groups[name].any():
            ax.axvspan(max(a, low), min(b, high), color=GROUP_COLOURS[name],
                       zorder=0)
            mean = accuracy[groups[name]].mean()
            ax.text(np.sqrt(max(a, low) * min(b, high)), 103,
                    f'{name}\n{mean:.1f}%', ha='center', va='bottom',
                    fontsize=8)
    ax.scatter(counts, accuracy, s=14, color='#1f4e79', zorder=2)
    ax.set_xscale('log')
    ax.set_xlim(low, high)
    ax.set_ylim(-2, 118)
    ax.set_xlabel('training images per class (log scale)')
    ax.set_ylabel('test accuracy of the class (%)')
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)


@one_line_errors(ResultsFileError)
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', help='a file from tools/test.py --out')
    parser.add_argument('--out', default='per_class_accuracy.png')
    parser.add_argument('--title', default='Per-class accuracy')
    parser.add_argument('--many-shot-thr', type=int, default=100)
    parser.add_argument('--few-shot-thr', type=int, default=20)
    args = parser.parse_args()
    plot(load_lt_results(args.results), args.out, args.title,
         args.many_shot_thr, args.few_shot_thr)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
