"""Per-class accuracy against training images per class.

Several methods draw one series each; ``A.npz,B.npz`` averages a method's
runs (seeds).

Example:
    python tools/test.py CONFIG CHECKPOINT --out results.npz
    python tools/visualization/plot_per_class.py results.npz --out acc.png
    python tools/visualization/plot_per_class.py ce_s0.npz,ce_s1.npz \
        bcl_s0.npz,bcl_s1.npz --names CE BCL --out per_class.png
"""
# isort: skip_file (the path set-up must come before the imports)
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
    """Training counts and accuracy (%) of the classes in the test set,
    and which classes those are (a mask over all classes)."""
    counts = results['class_counts']
    if counts is None:
        raise ResultsFileError(
            'the results file has no training class counts; test a '
            'checkpoint trained with ClassCountsHook')
    counts = np.asarray(counts)
    gts, preds = results['gt_labels'], results['pred_labels']
    totals = np.bincount(gts, minlength=len(counts))
    hits = np.bincount(gts[preds == gts], minlength=len(counts))
    seen = totals > 0
    return counts[seen], 100.0 * hits[seen] / totals[seen], seen


MARKERS = ('o', 's', '^', 'D', 'v', 'P')


def mean_accuracy(files: list) -> tuple:
    """Training counts and per-class accuracy averaged over ``files`` (the
    runs of one method, e.g. its seeds; they must share the counts)."""
    loaded = [load_lt_results(f) for f in files]
    curves = [per_class_accuracy(results) for results in loaded]
    counts = curves[0][0]
    for other, _, _ in curves[1:]:
        if not np.array_equal(other, counts):
            raise ResultsFileError(
                f'{files}: the runs of one method have different training '
                'class counts')
    names = loaded[0]['classes'] or [
        str(c) for c in range(len(loaded[0]['class_counts']))]
    labels = [names[c] for c in np.flatnonzero(curves[0][2])]
    return counts, np.mean([acc for _, acc, _ in curves], 0), len(files), \
        labels


#: Up to this many classes every point is labelled with its class; above
#: it, the LABEL_WORST classes of lowest accuracy are.
LABEL_ALL, LABEL_WORST = 30, 8


def label_classes(ax, counts, accuracy, labels) -> None:
    """Write each class's name (its label index if the dataset has no
    names) beside its point."""
    shown = range(len(counts)) if len(counts) <= LABEL_ALL else \
        np.argsort(accuracy, kind='stable')[:LABEL_WORST]
    for i in shown:
        below = accuracy[i] >= 10  # near 0 %, above the point
        ax.annotate(labels[i], (counts[i], accuracy[i]), fontsize=6,
                    xytext=(3, -8 if below else 4),
                    textcoords='offset points', zorder=3)


def plot(methods: dict, out: str, title: str, many: int, few: int) -> None:
    """Per-class accuracy against training images, one series per method.

    Args:
        methods (dict): Name -> list of results files (averaged).
    """
    series = {name: mean_accuracy(files) for name, files in methods.items()}
    counts = next(iter(series.values()))[0]
    fig, ax = plt.subplots(figsize=(7, 4), dpi=120)
    low, high = counts.min() * 0.8, counts.max() * 1.25
    bounds = dict(few=(low, few), medium=(few, many + 0.5),
                  many=(many + 0.5, high))
    groups = shot_groups(counts, many, few)
    for name, (a, b) in bounds.items():
        if groups[name].any():
            ax.axvspan(max(a, low), min(b, high), color=GROUP_COLOURS[name],
                       zorder=0)
            label = name
            if len(series) == 1:  # one method: its mean accuracy too
                accuracy = next(iter(series.values()))[1]
                label += f'\n{accuracy[groups[name]].mean():.1f}%'
            ax.text(np.sqrt(max(a, low) * min(b, high)), 103, label,
                    ha='center', va='bottom', fontsize=8)
    order = np.argsort(counts)
    for i, (name, (_, accuracy, runs, labels)) in enumerate(series.items()):
        legend = f'{name} (mean of {runs})' if runs > 1 else name
        ax.plot(counts[order], accuracy[order], marker=MARKERS[i % 6],
                markersize=4, linewidth=1, zorder=2, label=legend)
        if i == 0:  # the classes are the same for every method
            label_classes(ax, counts, accuracy, labels)
    if len(series) > 1:
        ax.legend(fontsize=8, loc='lower right')
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
    parser.add_argument(
        'results', nargs='+',
        help='files from tools/test.py --out; FILE,FILE,... is one method '
        'averaged over its runs (seeds)')
    parser.add_argument('--names', nargs='+',
                        help='a legend name for each (default: the paths)')
    parser.add_argument('--out', default='per_class_accuracy.png')
    parser.add_argument('--title', default='Per-class accuracy')
    parser.add_argument('--many-shot-thr', type=int, default=100)
    parser.add_argument('--few-shot-thr', type=int, default=20)
    args = parser.parse_args()
    names = args.names or args.results
    if len(names) != len(args.results):
        raise SystemExit(f'--names: {len(names)} names for '
                         f'{len(args.results)} results')
    methods = {name: files.split(',')
               for name, files in zip(names, args.results)}
    plot(methods, args.out, args.title, args.many_shot_thr,
         args.few_shot_thr)
    print(f'wrote {args.out}')


if __name__ == '__main__':
    main()
