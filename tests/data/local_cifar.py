"""``LocalCIFAR10LT``: CIFAR-10-LT whose "download" is a local copy.

The archive (``cifar-10-batches-py/`` with generated 32 x 32 images, two a
class per batch file) is written by :func:`write_archive`; the dataset's
``url`` is read from ``LOCAL_CIFAR_ARCHIVE`` (a ``file://`` URL) when this
module is imported, so processes started by a launcher find it too.
"""
import hashlib
import io
import os
import pickle
import tarfile

import numpy as np

from mmbcl.datasets import CIFAR10LT
from mmpretrain.registry import DATASETS

BATCHES = ('data_batch_1', 'data_batch_2', 'data_batch_3', 'data_batch_4',
           'data_batch_5', 'test_batch')
CLASSES = 10


def batch_bytes(name: str) -> bytes:
    """One batch file: two images a class, each class its own colour."""
    rng = np.random.RandomState(BATCHES.index(name))
    labels = np.repeat(np.arange(CLASSES), 2)
    images = rng.randint(0, 60, (len(labels), 3, 32, 32)).astype(np.uint8)
    images[:, 0] += (20 * labels).astype(np.uint8)[:, None, None]
    return pickle.dumps({'data': images.reshape(len(labels), -1),
                         'labels': labels.tolist()}, protocol=2)


FILES = {name: batch_bytes(name) for name in BATCHES}
FILES['batches.meta'] = pickle.dumps(
    {'label_names': [f'class{i}' for i in range(CLASSES)]}, protocol=2)


def md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def write_archive(path: str) -> str:
    """The ``.tar.gz`` a CIFAR-10 download would fetch; its path."""
    with tarfile.open(path, 'w:gz') as archive:
        for name, data in FILES.items():
            info = tarfile.TarInfo(f'cifar-10-batches-py/{name}')
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


@DATASETS.register_module()
class LocalCIFAR10LT(CIFAR10LT):
    """CIFAR-10-LT downloaded from ``$LOCAL_CIFAR_ARCHIVE``."""

    url = os.environ.get('LOCAL_CIFAR_ARCHIVE', 'file:///nonexistent')
    tgz_md5 = None
    train_list = [[name, md5(FILES[name])] for name in BATCHES[:5]]
    test_list = [['test_batch', md5(FILES['test_batch'])]]
    meta = dict(filename='batches.meta', key='label_names',
                md5=md5(FILES['batches.meta']))
