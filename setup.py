"""Install mmbcl: Balanced Contrastive Learning as an MMPretrain plugin."""
import os.path as osp

from setuptools import find_packages, setup


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


setup(
    name='mmbcl',
    version=get_version(),
    description='Balanced Contrastive Learning (Zhu et al., CVPR 2022) '
    'for long-tailed recognition, as an MMPretrain plugin',
    long_description=open('README.md', encoding='utf-8').read(),
    long_description_content_type='text/markdown',
    license='Apache License 2.0',
    python_requires='>=3.8',
    packages=find_packages(exclude=('configs', 'tools', 'tests', 'docs')),
    install_requires=parse_requirements('requirements/runtime.txt'),
    extras_require={
        'lite': parse_requirements('requirements/lite.txt'),
        'tests': parse_requirements('requirements/tests.txt'),
    },
    zip_safe=False,
)
