"""Is the data there? One line before anything runs, if not.

``tools/train.py`` and ``tools/test.py`` call :func:`check_data` before the
runner prints its config: a missing dataset is one line naming the path
and how to get the data, and nothing is left behind (a failed CIFAR
download removes the folder it created). Only cheap checks run here (the
list datasets still check every image when they are built).
"""
import contextlib
import os.path as osp
import re
import shutil
from typing import Iterator, Optional

from mmengine.registry import DefaultScope

from mmpretrain.datasets import CIFAR10, CustomDataset, cifar
from mmpretrain.registry import DATASETS

from ..utils.dist_utils import launched_rank
from .lt_list_dataset import LTListDataset

#: Where each benchmark's data comes from (README, "Data").
HOW_TO_GET = {
    'ImageNetLT': 'the images from image-net.org and the split lists '
    'dataset/ImageNet_LT/ImageNet_LT_{train,val,test}.txt from the '
    "authors' repository FlamieZhu/BCL",
    'INaturalist2018': 'the images (train_val2018/) from the iNaturalist '
    '2018 competition and the split lists dataset/iNaturalist18/'
    "iNaturalist18_{train,val}.txt from the authors' repository "
    'FlamieZhu/BCL',
    'PlacesLT': 'the Places-365 images and the Places-LT split lists of '
    'Liu et al. (2019)',
}


class DataNotFoundError(FileNotFoundError):
    """A dataset's files are not where the config says; the message says
    where they should be and how to get them."""


class UnreadableImageError(ValueError):
    """An image file of the dataset cannot be decoded."""


def dataset_configs(cfg) -> Iterator[tuple]:
    """``(config key, dataset config)`` of every dataset the run builds,
    wrappers looked into (``dataset``, ``datasets``)."""
    for split in ('train', 'val', 'test'):
        loader = cfg.get(f'{split}_dataloader')
        if not loader or not loader.get('dataset'):
            continue
        stack = [(f'{split}_dataloader.dataset', loader['dataset'])]
        while stack:
            key, dataset = stack.pop()
            yield key, dataset
            if isinstance(dataset.get('dataset'), dict):
                stack.append((f'{key}.dataset', dataset['dataset']))
            for i, child in enumerate(dataset.get('datasets') or ()):
                stack.append((f'{key}.datasets.{i}', child))


def _class_of(dataset: dict) -> Optional[type]:
    with DefaultScope.overwrite_default_scope('mmpretrain'):
        try:
            return DATASETS.get(dataset.get('type'))
        except (KeyError, TypeError):
            return None


def _check_cifar(key: str, dataset: dict, cls: type) -> None:
    """CIFAR (and mmbcl's long-tailed CIFAR): the extracted archive under
    ``data_root``, downloaded here if the config allows it.

    In a multi-process run only global rank 0 downloads, as MMPretrain's
    ``CIFAR10`` does; the other ranks leave the data to the dataset, which
    waits for rank 0 behind a barrier (and the process group's start waits
    for rank 0 first)."""
    root = dataset.get('data_root') or dataset.get('data_prefix', '')
    if isinstance(root, dict):
        root = root.get('root', '')
    folder = osp.join(root, cls.base_folder)
    if osp.isdir(folder):
        return
    hint = (f'download {cls.url} and extract it into {root}, or set '
            f'{key}.data_root')
    if not dataset.get('download', True):
        raise DataNotFoundError(f'{key}: {cls.__name__} is not in {root!r} '
                                f'(no {folder}) and download=False; {hint}')
    if launched_rank() != 0:
        return  # rank 0 downloads it; the dataset waits for rank 0
    created = osp.abspath(root)  # the topmost folder the download creates
    while not osp.exists(osp.dirname(created)):
        created = osp.dirname(created)
    created = None if osp.exists(created) else created
    try:
        print(f'{key}: {cls.__name__} is not in {root!r}; downloading '
              f'{cls.url}', flush=True)
        cifar.download_and_extract_archive(
            cls.url, root, filename=cls.filename, md5=cls.tgz_md5)
    except Exception as error:
        if created:  # leave nothing behind
            shutil.rmtree(created, ignore_errors=True)
        reason = str(error).splitlines()[0] if str(error) else type(
            error).__name__
        raise DataNotFoundError(
            f'{key}: {cls.__name__} is not in {root!r} and downloading it '
            f'failed ({reason}); {hint}') from None


def _check_list(key: str, dataset: dict, cls: type) -> None:
    """List-file datasets: the list file and the image root exist."""
    root = dataset.get('data_root', '')
    ann_file = dataset.get('ann_file', '')
    path = ann_file if osp.isabs(ann_file) or not root else osp.join(
        root, ann_file)
    how = HOW_TO_GET.get(cls.__name__, 'the dataset')
    if root and not osp.isdir(root):
        raise DataNotFoundError(
            f'{key}: data_root {root!r} does not exist; get {how} '
            f'(README, "Data"), or set {key}.data_root')
    if not osp.isfile(path):
        raise DataNotFoundError(
            f'{key}: list file {path!r} does not exist; get {how} '
            f'(README, "Data"), or set {key}.ann_file')


def _check_folder(key: str, dataset: dict) -> None:
    """Class folders (``CustomDataset`` without a list file)."""
    root = dataset.get('data_root', '')
    prefix = dataset.get('data_prefix', '')
    if isinstance(prefix, dict):
        prefix = prefix.get('img_path', prefix.get('root', ''))
    folder = osp.join(root, prefix) if prefix else root
    if folder and not osp.isdir(folder):
        raise DataNotFoundError(
            f'{key}: image folder {folder!r} does not exist; set '
            f'{key}.data_root (and data_prefix) to your class folders')


def check_data(cfg) -> None:
    """Raise :class:`DataNotFoundError` (one line) if a dataset of the run
    is not where its config says; a CIFAR dataset allowed to download is
    downloaded here (nothing is left behind if that fails).

    Args:
        cfg (mmengine.Config): The run's config.
    """
    for key, dataset in dataset_configs(cfg):
        cls = _class_of(dataset)
        if cls is None:
            continue
        if issubclass(cls, CIFAR10):  # CIFAR100 is a CIFAR10 too
            _check_cifar(key, dataset, cls)
        elif issubclass(cls, LTListDataset):
            _check_list(key, dataset, cls)
        elif issubclass(cls, CustomDataset) and not dataset.get('ann_file'):
            _check_folder(key, dataset)


UNREADABLE = re.compile(r'failed to load image: (\S+)')


@contextlib.contextmanager
def unreadable_images_first():
    """Turn mmcv's ``failed to load image: PATH`` (raised in a dataloader
    worker, so at the end of a long traceback) into an
    :class:`UnreadableImageError` whose message starts with the file."""
    try:
        yield
    except Exception as error:
        match = UNREADABLE.search(str(error))
        if match is None:
            raise
        raise UnreadableImageError(
            f'{match.group(1)}: not a readable image (failed to load '
            'image); remove or replace the file') from error
