"""A Markdown table of overall / many / medium / few accuracy.

Example (BCL beside a cross-entropy baseline):
    python tools/analysis_tools/shot_report.py bcl.npz ce.npz --names BCL CE
"""
import argparse

import numpy as np

from mmbcl.evaluation import ResultsFileError, ShotAccuracy, load_lt_results
from mmbcl.utils.cli import one_line_errors

COLUMNS = (('top1', 'overall'), ('many', 'many'), ('medium', 'medium'),
           ('few', 'few'))


def shot_row(results: dict, many: int, few: int) -> dict:
    if results['class_counts'] is None:
        raise ValueError('a results file has no training class counts')
    metric = ShotAccuracy(many, few, class_counts=results['class_counts'])
    pairs = np.stack([results['pred_labels'], results['gt_labels']], 1)
    return metric.compute_metrics(pairs.tolist())


def report(files, names, many=100, few=20) -> str:
    lines = ['| model | ' + ' | '.join(h for _, h in COLUMNS) + ' |',
             '|---' * (len(COLUMNS) + 1) + '|']
    for name, path in zip(names, files):
        row = shot_row(load_lt_results(path), many, few)
        cells = [f'{row[k]:.2f}' if k in row else '–' for k, _ in COLUMNS]
        lines.append(f'| {name} | ' + ' | '.join(cells) + ' |')
    return '\n'.join(lines)


@one_line_errors(ResultsFileError)
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('results', nargs='+',
                        help='files from tools/test.py --out')
    parser.add_argument('--names', nargs='+',
                        help='a column label per file (default: the paths)')
    parser.add_argument('--many-shot-thr', type=int, default=100)
    parser.add_argument('--few-shot-thr', type=int, default=20)
    args = parser.parse_args()
    names = args.names or args.results
    if len(names) != len(args.results):
        parser.error(f'{len(args.results)} results files but '
                     f'{len(names)} --names')
    print(report(args.results, names, args.many_shot_thr,
                 args.few_shot_thr))


if __name__ == '__main__':
    main()
