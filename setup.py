"""Install mmbcl: Balanced Contrastive Learning as an MMPretrain plugin."""
import os
import os.path as osp
import shutil
import sys

from setuptools import find_packages, setup

#: What a non-editable install carries under mmbcl/.mim/, OpenMMLab's
#: layout: ``mim train mmbcl resnext50_imagenet_lt.py`` and MMPretrain's
#: model hub (``list_models('*bcl*')``) find the configs and tools there.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def parse_requirements(fname):
    """Read one requirement per line, skipping comments and blank lines."""
    with open(osp.join(osp.dirname(__file__), fname)) as f:
        lines = (line.split('#')[0].strip() for line in f)
        return [line for line in lines if line]


def get_version():
    """Read ``__version__`` from ``mmbcl/version.py`` without importing."""
    scope = {}
    with open(osp.join(osp.dirname(__file__), 'mmbcl', 'version.py')) as f:
        exec(f.read(), scope)
    return scope['__version__']


def add_mim_extension():
    """Copy the configs, tools and model index into ``mmbcl/.mim``.

    When building a distribution (a wheel, an sdist, a plain install); an
    editable install links them instead, as MMPretrain's ``setup.py``
    does, so ``mmbcl::`` config bases resolve in both.
    """
    building = {'bdist_wheel', 'sdist', 'build', 'install'}
    editable = {'develop', 'editable_wheel'}
    if not (building | editable).intersection(sys.argv[1:]):
        return
    here = osp.dirname(osp.abspath(__file__))
    mim = osp.join(here, 'mmbcl', '.mim')
    shutil.rmtree(mim, ignore_errors=True)
    os.makedirs(mim)
    link = bool(editable.intersection(sys.argv[1:]))
    for name in MIM_FILES:
        src, dst = osp.join(here, name), osp.join(mim, name)
        if link:  # an editable install reads the repository's own files
            os.symlink(osp.relpath(src, mim), dst)
        elif osp.isdir(src):
            shutil.copytree(
                src, dst, ignore=shutil.ignore_patterns('__pycache__'))
        else:
            shutil.copyfile(src, dst)


add_mim_extension()
setup(
    name='mmbcl',
    version=get_version(),
    description='Balanced Contrastive Learning (Zhu et al., CVPR 2022) '
    'for long-tailed recognition, as an MMPretrain plugin',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    python_requires='>=3.9',
    packages=find_packages(
        exclude=('configs', 'tools', 'tests', 'docs', 'benchmarks',
                 'studies')),
    package_data={'mmbcl': [f'.mim/{name}' for name in MIM_FILES] + [
        '.mim/configs/**/*', '.mim/tools/**/*']},
    install_requires=parse_requirements('requirements/runtime.txt'),
    extras_require={
        'lite': parse_requirements('requirements/lite.txt'),
        'mnist': parse_requirements('requirements/mnist.txt'),
        'tests': parse_requirements('requirements/tests.txt') +
        parse_requirements('requirements/mnist.txt'),
    },
    zip_safe=False,
)
