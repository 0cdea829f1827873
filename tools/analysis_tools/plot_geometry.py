"""Heatmap of the cosines between centred class means (simplex check).

A regular simplex has every off-diagonal cosine at -1 / (C - 1); collapsed
tail classes show up as a bright block. Classes are ordered from the most
to the least frequent in training.

Example:
    python tools/test.py CONFIG CHECKPOINT --out results.pkl
    python tools/analysis_tools/plot_geometry.py results.pkl --out geo.png
"""
import argparse

import matplotlib

matplotlib.use('Agg')
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from mmbcl.evaluation import load_lt_results, simplex_report  # noqa: E402
from mmbcl.evaluation.simplex_geometry import centred_cosines  # noqa: E402


def plot(results: dict, out: str, title: str) -> dict:
    means = results['class_feature_means']
    if means is None:
        raise ValueError('the results file has no class feature means; '
                         'the model\'s head must fill '
                         f'{results["feature_key"]!r} (BCLHead does)')
    counts = results['class_counts']
    order = (np.argsort(-np.asarray(counts), kind='stable')
             if counts is not None else np.arange(len(means)))
    present = order[~np.isnan(means[order]).any(1)]
    cos, _ = centred_cosines(means[present])
    report = simplex_report(means, None if counts is None else
                            np.asarray(counts))
    fig, ax = plt.subplots(figsize=(5, 4.4), dpi=120)
    image = ax.imshow(cos, cmap='RdBu_r', vmin=-1, vmax=1)
    fig.colorbar(image, ax=ax, fraction=0.046, label='cosine')
    ax.set_xlabel('class (most → least frequent)')
    ax.set_ylabel('class (most → least frequent)')
    ax.set_title(f'{title}\nmean cos {report["cos_mean"]:.3f} '
                 f'(simplex {report["target"]:.3f}), mean |dev| '
                 f'{report["cos_dev"]:.3f}', fontsize=9)
    fig.tight_layout()
    fig.savefig(out)
    plt.close(fig)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', help='a file from tools/test.py --out')
    parser.add_argument('--out', default='class_mean_cosines.png')
    parser.add_argument('--title', default='Cosines of centred class means')
    args = parser.parse_args()
    report = plot(load_lt_results(args.results), args.out, args.title)
    print(f'wrote {args.out}: ' +
          ', '.join(f'{k} {v:.3f}' for k, v in report.items()))


if __name__ == '__main__':
    main()
