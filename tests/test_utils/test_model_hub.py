"""import mmbcl registers every mmbcl config into MMPretrain's model hub."""
import glob
import os.path as osp

import yaml

import mmbcl  # noqa: F401
import mmpretrain

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
METAFILE = osp.join(ROOT, 'configs', 'bcl', 'metafile.yml')


def metafile_models():
    with open(METAFILE) as f:
        return yaml.safe_load(f)['Models']


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
    names = mmpretrain.list_models('*bcl*')
    assert set(names) == {m['Name'] for m in metafile_models()}
    for name, classes in (('bcl_resnet8_synthetic_lt_demo', 10),
                          ('bcl_resnet32_cifar100_lt_r100', 100)):
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


def test_readme_table_carries_the_metafile_numbers():
    """configs/bcl/README.md's results table shows every traced number with
    its source, as the metafile does, and the metafile points at it."""
    readme = open(osp.join(ROOT, 'configs', 'bcl', 'README.md'),
                  encoding='utf-8').read()
    with open(METAFILE) as f:
        (collection, ) = yaml.safe_load(f)['Collections']
    assert collection['README'] == 'configs/bcl/README.md'
    for model in metafile_models():
        for result in model['Results']:
            if result['Metrics']:
                value = result['Metrics']['Top 1 Accuracy']
                assert f'{value}' in readme, (model['Name'], value)
