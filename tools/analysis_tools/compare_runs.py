"""Mean ± standard deviation over seeds of each method's final validation.

Reads the last validation record (``shot/*`` and ``nc/*``) of each run's
``vis_data/scalars.json`` (what tools/train.py logs) and writes one Markdown
table: accuracy by shot group and the neural-collapse measures, one row per
method, each cell the mean ± standard deviation over its runs (seeds).

With ``--paired BCL:LA-CE``, also BCL - LA-CE by shot group, seed by seed
(the i-th run of each method), and its mean ± std.

Example:
    python tools/analysis_tools/compare_runs.py \\
        LA-CE=work_dirs/la-ce-s0,work_dirs/la-ce-s1 \\
        BCL=work_dirs/bcl-s0,work_dirs/bcl-s1 --paired BCL:LA-CE \\
        --seeds 0 1 --out table.md
"""
import argparse
import glob
import json
import os.path as osp
from typing import Dict, List

import numpy as np

#: (metric key, column title); a method without a key shows '–'
COLUMNS = (
    ('shot/top1', 'overall'), ('shot/many', 'many'),
    ('shot/medium', 'medium'), ('shot/few', 'few'),
    ('nc/backbone/nc1', 'NC1 (backbone)'),
    ('nc/backbone/etf_dev', 'ETF dev. (backbone)'),
    ('nc/backbone/collapsed_pairs', 'collapsed pairs (backbone)'),
    ('nc/contrast/nc1', 'NC1 (contrast)'),
    ('nc/contrast/etf_dev', 'ETF dev. (contrast)'),
    ('nc/contrast/min_angle', 'min angle ° (contrast)'),
    ('nc/contrast/collapsed_pairs', 'collapsed pairs (contrast)'),
    ('nc/contrast/few_collapsed_pairs', 'few-shot collapsed pairs (contrast)'),
)


def final_validation(work_dir: str) -> Dict[str, float]:
    """The last record holding ``shot/top1`` in the run's scalars."""
    paths = sorted(glob.glob(osp.join(work_dir, '*', 'vis_data',
                                      'scalars.json')))
    last = None
    for path in paths:
        with open(path) as f:
            for line in f:
                record = json.loads(line)
                if 'shot/top1' in record:
                    last = record
    if last is None:
        raise FileNotFoundError(f'{work_dir}: no validation record in '
                                '*/vis_data/scalars.json (did it train?)')
    return last


def table(methods: Dict[str, List[str]]) -> str:
    """The Markdown table of ``{method: [work_dir, ...]}``."""
    rows = {name: [final_validation(d) for d in dirs]
            for name, dirs in methods.items()}
    lines = ['| method | runs | ' + ' | '.join(t for _, t in COLUMNS) +
             ' |', '|---' * (len(COLUMNS) + 2) + '|']
    for name, records in rows.items():
        cells = []
        for key, _ in COLUMNS:
            values = [r[key] for r in records if key in r]
            if len(values) != len(records):
                cells.append('–')
                continue
            counts = ('pairs', 'angle', 'shot')
            digits = 1 if any(k in key for k in counts) else 3
            cells.append(f'{np.mean(values):.{digits}f} ± '
                         f'{np.std(values):.{digits}f}')
        lines.append(f'| {name} | {len(records)} | ' + ' | '.join(cells) +
                     ' |')
    return '\n'.join(lines) + '\n'


#: the accuracy columns, which paired tables compare
SHOT = tuple(c for c in COLUMNS if c[0].startswith('shot/'))


def paired(methods: Dict[str, List[str]], first: str, second: str,
           labels=None) -> str:
    """Markdown table of ``first - second`` accuracy by shot group, run by
    run (the i-th run of each: the same seed), then mean ± std."""
    a, b = methods[first], methods[second]
    if len(a) != len(b):
        raise ValueError(f'{first} has {len(a)} runs, {second} {len(b)}: '
                         'pairing needs one run of each per seed')
    labels = labels or [str(i) for i in range(len(a))]
    lines = [f'{first} − {second}, paired by seed:', '',
             '| seed | ' + ' | '.join(t for _, t in SHOT) + ' |',
             '|---' * (len(SHOT) + 1) + '|']
    diffs = []
    for label, run_a, run_b in zip(labels, a, b):
        ra, rb = final_validation(run_a), final_validation(run_b)
        row = [ra.get(k, np.nan) - rb.get(k, np.nan) for k, _ in SHOT]
        diffs.append(row)
        lines.append(f'| {label} | ' + ' | '.join(
            '–' if np.isnan(v) else f'{v:+.1f}' for v in row) + ' |')
    diffs = np.array(diffs)
    lines.append('| mean ± std | ' + ' | '.join(
        '–' if np.isnan(m) else f'{m:+.1f} ± {sd:.1f}'
        for m, sd in zip(diffs.mean(0), diffs.std(0))) + ' |')
    return '\n'.join(lines) + '\n'


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        'methods', nargs='+',
        help='NAME=WORK_DIR[,WORK_DIR...]: a method and its runs')
    parser.add_argument(
        '--paired', nargs='+', default=[], metavar='A:B',
        help='also tables of A - B by shot group, the i-th run of each '
        'paired (the same seed)')
    parser.add_argument('--seeds', nargs='+',
                        help='labels of the runs in the paired tables')
    parser.add_argument('--out', help='also write the tables to this file')
    args = parser.parse_args()
    methods = {}
    for item in args.methods:
        name, sep, dirs = item.partition('=')
        if not sep or not dirs:
            raise SystemExit(f'expected NAME=WORK_DIR[,WORK_DIR...], got '
                             f'{item!r}')
        methods[name] = dirs.split(',')
    text = table(methods)
    for pair in args.paired:
        first, _, second = pair.partition(':')
        if first not in methods or second not in methods:
            raise SystemExit(f'--paired {pair}: expected A:B, two of '
                             f'{", ".join(methods)}')
        text += '\n' + paired(methods, first, second, args.seeds)
    print(text, end='')
    if args.out:
        with open(args.out, 'w') as f:
            f.write(text)


if __name__ == '__main__':
    main()
