"""The benchmarks run, and their baseline is the same loss (the timings
themselves live in ``benchmarks/README.md``)."""
# isort: skip_file (the path set-up must come before the imports)
import os.path as osp
import sys

import torch

import mmbcl  # noqa: F401
from mmbcl.models.losses import bcl_loss

sys.path.insert(
    0, osp.join(osp.dirname(osp.dirname(osp.abspath(__file__))),
                'benchmarks'))
from benchmark import loss_inputs, naive_bcl_loss  # noqa: E402
from benchmark_device_augment import (  # noqa: E402
    RECIPE, bench_device_augment, bench_host_overhead, recipe_model)
from benchmark_pipeline import mmbcl_three_view  # noqa: E402
import benchmark_concutmix  # noqa: E402
import benchmark_proco  # noqa: E402


def test_naive_baseline_equals_mmbcl_loss():
    for num_classes, dim in ((10, 16), (37, 8)):
        feats, protos, labels = loss_inputs(num_classes, dim, 'cpu', batch=24)
        ours = bcl_loss(feats, labels, protos, 0.07)
        ours.backward()
        grads = feats.grad.clone(), protos.grad.clone()
        feats.grad = protos.grad = None
        naive = naive_bcl_loss(protos, feats, labels, num_classes, 0.07)
        naive.backward()
        torch.testing.assert_close(ours, naive, rtol=1e-5, atol=1e-5)
        torch.testing.assert_close(grads[0], feats.grad, rtol=1e-4, atol=1e-6)
        torch.testing.assert_close(grads[1], protos.grad, rtol=1e-4,
                                   atol=1e-6)


def test_device_aug_section_runs(capsys):
    """The device-aug section on a tiny batch prints its rows."""
    bench_device_augment(torch.device('cpu'), batches=[2], rounds=1,
                         host=False)
    out = capsys.readouterr().out
    assert '| mmbcl_plans | all 3 views' in out
    assert '| torchvision_v2_per_image_loop |' in out


def table_rows(out):
    """The rows of the Markdown table in ``out``, keyed by its header."""
    lines = [line.strip().strip('|') for line in out.splitlines()
             if line.startswith('|')]
    header = [cell.strip() for cell in lines[0].split('|')]
    return [dict(zip(header, (cell.strip() for cell in line.split('|'))))
            for line in lines[2:]]


def test_host_time_section_counts_ops_and_copies(capsys):
    """The time-per-iteration table on a 2-image batch: mmbcl's row makes
    its 5 copies (3 views, plans, labels), all counted on ``meta``."""
    bench_host_overhead({'resnext50_imagenet_lt_gpu-aug': 2}, rounds=1)
    rows = table_rows(capsys.readouterr().out)
    assert len(rows) == 1, rows
    assert rows[0]['copies to the device / iteration'] == '5', rows
    assert 100 < int(rows[0]['aten ops / iteration']) < 600, rows


def test_gpu_aug_cpu_side_packs_uint8_hwc_views(tmp_path):
    import cv2
    import numpy as np
    path = str(tmp_path / 'a.jpg')
    cv2.imwrite(path, np.random.RandomState(0).randint(
        0, 256, (300, 400, 3), np.uint8))
    views = mmbcl_three_view('resnext50_imagenet_lt_gpu-aug')(path)['inputs']
    assert [tuple(v.shape) for v in views] == [(224, 224, 3)] * 3
    assert all(v.dtype == torch.uint8 for v in views)


def test_step_model_of_the_gpu_aug_recipe_builds_and_runs():
    """The model the CUDA row times (the recipe's, minus the device
    augmentation) takes PackInputs-layout views; here one forward."""
    from mmengine.config import Config
    model = recipe_model(Config.fromfile(RECIPE))
    assert type(model.data_preprocessor).__name__ == \
        'MultiViewDataPreprocessor'
    views = [torch.randint(0, 256, (2, 3, 64, 64), dtype=torch.uint8)] * 3
    data = model.data_preprocessor(dict(inputs=views, data_samples=None),
                                   True)
    assert [tuple(v.shape) for v in data['inputs']] == [(2, 3, 64, 64)] * 3


def test_proco_section_runs(capsys, monkeypatch):
    """The ProCo section at one tiny scale prints its row (the peak
    memories, measured in fresh processes, stood in for)."""
    monkeypatch.setattr(benchmark_proco, 'LOSS_SCALES', [('tiny', 5, 32)])
    monkeypatch.setattr(benchmark_proco, 'peak_memory',
                        lambda device, method, *scale: 1.0)
    benchmark_proco.bench_proco(torch.device('cpu'), rounds=1)
    (row, ) = table_rows(capsys.readouterr().out)
    assert row['scale'] == 'tiny' and float(row['ProCo / BCL']) > 0
    assert row['ProCoLoss peak (MiB)'] == '1'


def test_concutmix_section_runs(capsys, tmp_path):
    """The ConCutMix section on the CIFAR recipe prints its row (one
    round); what each arrangement makes: mmbcl one view of the paste
    image, the official arrangement three."""
    recipes = [r for r in benchmark_concutmix.RECIPES if r[2] == 'array']
    results = benchmark_concutmix.bench_concutmix(str(tmp_path), rounds=1,
                                                  recipes=recipes)
    (row, ) = table_rows(capsys.readouterr().out)
    assert row['recipe'] == 'CIFAR-100-LT'
    assert set(results['CIFAR-100-LT']) == {
        'bcl', 'concutmix_mmbcl', 'concutmix_official'}
    runs = benchmark_concutmix.arrangements(recipes[0][1])
    info = benchmark_concutmix.data_infos('array', str(tmp_path))[0]
    assert len(runs['bcl'](info, info)['inputs']) == 3
    item, paste = runs['concutmix_mmbcl'](info, info)
    assert (len(item['inputs']), len(paste['inputs'])) == (3, 1)
    item, paste = runs['concutmix_official'](info, info)
    assert (len(item['inputs']), len(paste['inputs'])) == (3, 3)
