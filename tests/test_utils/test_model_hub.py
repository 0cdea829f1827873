"""import mmbcl registers every mmbcl config into MMPretrain's model hub."""
import glob
import os.path as osp

import pytest
import yaml

import mmbcl  # noqa: F401
import mmpretrain

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: method folder -> its model-name prefix in the hub
METHODS = dict(bcl='bcl_', proco='proco_', concutmix='concutmix_')


def metafile(method):
    with open(osp.join(ROOT, 'configs', method, 'metafile.yml')) as f:
        return yaml.safe_load(f)


def metafile_models():
    return [m for method in METHODS for m in metafile(method)['Models']]


def test_model_index_imports_every_metafile():
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        imports = yaml.safe_load(f)['Import']
    assert imports == [f'configs/{m}/metafile.yml' for m in METHODS]
    for method, prefix in METHODS.items():
        assert all(m['Name'].startswith(prefix)
                   for m in metafile(method)['Models'])


def test_every_config_is_in_the_metafile():
    listed = {m['Config'] for m in metafile_models()}
    configs = {
        osp.relpath(path, ROOT)
        for path in glob.glob(osp.join(ROOT, 'configs', '**', '*.py'),
                              recursive=True) if '_base_' not in path
    }
    assert listed == configs


def test_list_models_and_get_model():
    """Every model is listed; get_model builds them by name (two here:
    tests/test_configs.py builds every config's model)."""
    names = [n for prefix in METHODS.values()
             for n in mmpretrain.list_models(f'{prefix}*')]
    assert set(names) == {m['Name'] for m in metafile_models()}
    for name, classes in (('bcl_resnet8_synthetic_lt_demo', 10),
                          ('bcl_resnet32_cifar100_lt_r100', 100),
                          ('proco_resnet32_cifar10_lt_r100', 10),
                          ('concutmix_resnet32_cifar100_lt_r10', 100)):
        model = mmpretrain.get_model(name)
        assert model.head.num_classes == classes, name


def test_results_name_their_source():
    """Every model has a classification result (inference_model needs the
    task first); a number only with the source it was traced to and the
    protocol behind it (which model was evaluated)."""
    for model in metafile_models():
        results = model['Results']
        assert results and all(r['Task'] == 'Image Classification'
                               for r in results), model['Name']
        for result in results:
            if result['Metrics']:
                assert 0 < result['Metrics']['Top 1 Accuracy'] < 100
                assert not result['Source'].startswith('none'), model['Name']
                assert result['Protocol'], model['Name']
            else:
                assert result['Source'].startswith('none: '), model['Name']


@pytest.mark.parametrize('method', METHODS)
def test_readme_table_carries_the_metafile_numbers(method):
    """Each method's README results table shows every traced number with
    its source, as the metafile does, and the metafile points at it."""
    readme = open(osp.join(ROOT, 'configs', method, 'README.md'),
                  encoding='utf-8').read()
    (collection, ) = metafile(method)['Collections']
    assert collection['README'] == f'configs/{method}/README.md'
    for model in metafile(method)['Models']:
        for result in model['Results']:
            if result['Metrics']:
                value = result['Metrics']['Top 1 Accuracy']
                assert f'{value}' in readme, (model['Name'], value)
