"""Heatmaps of the cosines between centred class means (simplex check).

A regular simplex has every off-diagonal cosine at -1 / (C - 1); collapsed
tail classes show up as a bright block. Classes are ordered from the most
to the least frequent in training. Several results files are drawn side by
side.

Example:
    python tools/test.py CONFIG CHECKPOINT --out results.npz
    python tools/visualization/plot_geometry.py results.npz --out geo.png
    python tools/visualization/plot_geometry.py ce.npz scl.npz bcl.npz \
        --names LA-CE SCL BCL --out side_by_side.png
"""
# isort: skip_file (the path set-up must come before the imports)
import argparse

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmbcl.evaluation import (ResultsFileError, load_lt_results,  # noqa: E402,E501
                              simplex_report)
from mmbcl.evaluation.simplex_geometry import centred_cosines  # noqa: E402
from mmbcl.utils.cli import one_line_errors  # noqa: E402


def draw(ax, results: dict, title: str) -> tuple:
    """One heatmap on ``ax``; returns its simplex report and image."""
    means = results['class_feature_means']
    if means is None:
        raise ResultsFileError(
            f'{title}: the results file has no class means of '
            f'{results["feature_key"]!r}: geometry needs a head that fills '
            "it (BCLHead's contrastive branch fills 'contrast_feat'; every "
            "BCLHead fills 'backbone_feat': write that with tools/test.py "
            '--out-feature backbone_feat). plot_per_class.py and '
            'shot_report.py work for any head')
    counts = results['class_counts']
    order = (np.argsort(-np.asarray(counts), kind='stable')
             if counts is not None else np.arange(len(means)))
    present = order[~np.isnan(means[order]).any(1)]
    cos, _ = centred_cosines(means[present])
    report = simplex_report(means, None if counts is None else
                            np.asarray(counts))
    image = ax.imshow(cos, cmap='RdBu_r', vmin=-1, vmax=1)
    ax.set_xlabel('class (most → least frequent)')
    ax.set_ylabel('class (most → least frequent)')
    ax.set_title(f'{title}\nmean cos {report["cos_mean"]:.3f} '
                 f'(simplex {report["target"]:.3f}), mean |dev| '
                 f'{report["cos_dev"]:.3f}', fontsize=9)
    return report, image


def plot(results, out: str, titles) -> list:
    """Draw one heatmap per results dict, side by side, into ``out``."""
    if isinstance(results, dict):
        results, titles = [results], [titles]
    fig, axes = plt.subplots(1, len(results), squeeze=False,
                             figsize=(5 * len(results), 4.4), dpi=120)
    reports = []
    for ax, result, title in zip(axes[0], results, titles):
        report, image = draw(ax, result, title)
        reports.append(report)
    fig.colorbar(image, ax=list(axes[0]), fraction=0.046 / len(results),
                 label='cosine')
    fig.savefig(out, bbox_inches='tight')
    plt.close(fig)
    return reports


@one_line_errors(ResultsFileError)
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', nargs='+',
                        help='files from tools/test.py --out')
    parser.add_argument('--names', nargs='+',
                        help='a title for each file (default: file names)')
    parser.add_argument('--out', default='class_mean_cosines.png')
    parser.add_argument('--title', default='Cosines of centred class means',
                        help='the title of a single heatmap')
    args = parser.parse_args()
    names = args.names or ([args.title] if len(args.results) == 1 else
                           args.results)
    if len(names) != len(args.results):
        raise SystemExit(f'--names: {len(names)} names for '
                         f'{len(args.results)} results files')
    reports = plot([load_lt_results(f) for f in args.results], args.out,
                   names)
    for name, report in zip(names, reports):
        print(f'{args.out} [{name}]: ' +
              ', '.join(f'{k} {v:.3f}' for k, v in report.items()))


if __name__ == '__main__':
    main()
