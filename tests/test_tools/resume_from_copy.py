"""Resume a copy of a finished run from its epoch-2 checkpoint (what a run
killed after that save leaves) and compare it with the run."""
import glob
import json
import os
import os.path as osp
import shutil

import torch

from tests.cli import call_tool
from tests.test_tools.test_reliability import (assert_same_run, losses, resume,
                                               weights)


def resume_matches_the_straight_run(config, options, tmp_path, capsys):
    """Train ``config`` for 4 epochs, resume a copy from epoch 2 and check
    that epochs 3 and 4 repeat the run bit for bit; the resumed run's
    epoch-4 weights."""
    reference = str(tmp_path / 'straight')
    call_tool('tools.train', config, '--work-dir', reference,
              '--cfg-options', *options)
    work_dir = str(tmp_path / 'resumed')
    shutil.copytree(reference, work_dir)
    for epoch in (3, 4):
        os.remove(osp.join(work_dir, f'epoch_{epoch}.pth'))
    last = osp.join(work_dir, 'epoch_2.pth')
    with open(osp.join(work_dir, 'last_checkpoint'), 'w') as f:
        f.write(last)
    done = torch.load(last, map_location='cpu', weights_only=True)
    for path in glob.glob(osp.join(work_dir, '*', 'vis_data',
                                   'scalars.json')):
        with open(path) as f:  # the log of the first two epochs only
            kept = [line for line in f
                    if json.loads(line).get('step', 0) <= done['meta']['iter']
                    and 'loss' in json.loads(line)]
        with open(path, 'w') as f:
            f.writelines(kept)
    log = resume(config, work_dir, capsys, *options, tiny=[])
    assert 'resumed epoch: 2' in log
    assert len(losses(work_dir)) == len(losses(reference)) > len(kept)
    assert_same_run(work_dir, reference)
    return weights(osp.join(work_dir, 'epoch_4.pth'))
