"""List-file long-tailed benchmarks: ImageNet-LT, iNaturalist, Places-LT."""
import os.path as osp
from typing import List, Optional

import numpy as np
from mmengine.fileio import get_file_backend, list_from_file

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

#: how many missing images an error lists before summarising
MAX_LISTED = 5


def parse_list_file(ann_file: str, num_classes: int) -> List[tuple]:
    """Parse ``relative/path label`` lines, naming every mistake.

    Args:
        ann_file (str): The list file.
        num_classes (int): Labels must lie in ``[0, num_classes)``.

    Returns:
        list[tuple[str, int]]: ``(relative path, label)`` per line; blank
        lines are skipped.

    Raises:
        FileNotFoundError: The list file does not exist.
        ValueError: A line is not ``path label`` or its label is out of
            range; the message gives the file and line number.
    """
    if not osp.isfile(ann_file):
        raise FileNotFoundError(f'list file {ann_file!r} does not exist')
    samples = []
    for line_no, line in enumerate(list_from_file(ann_file), start=1):
        if not line.strip():
            continue
        parts = line.strip().rsplit(maxsplit=1)
        where = f'{ann_file}, line {line_no}: {line.strip()!r}'
        if len(parts) != 2 or not parts[1].lstrip('-').isdigit():
            raise ValueError(
                f'{where}: expected "relative/path label" with an integer '
                'label')
        label = int(parts[1])
        if not 0 <= label < num_classes:
            raise ValueError(
                f'{where}: label {label} outside [0, {num_classes})')
        samples.append((parts[0], label))
    return samples


@DATASETS.register_module()
class LTListDataset(BaseDataset):
    """A dataset of ``relative/path label`` lines over ``data_root``.

    The format of every long-tailed benchmark's split files. Images are
    read by the pipeline (``LoadImageFromFile``). At build time the list is
    checked: a missing list file, a malformed line, a label out of range
    and (with ``check_files``) a missing image are errors naming the file,
    line or path, never skipped silently.

    Args:
        ann_file (str): The list file, relative to ``data_root`` or absolute.
        data_root (str): Root the image paths are relative to.
        num_classes (int): Number of classes of the benchmark.
        check_files (bool): Check that every listed image exists when the
            dataset is built (one ``stat`` per image). Defaults to True.
        **kwargs: ``BaseDataset`` arguments (``pipeline``, ...).
    """

    NUM_CLASSES: Optional[int] = None

    def __init__(self,
                 ann_file: str,
                 data_root: str = '',
                 num_classes: Optional[int] = None,
                 check_files: bool = True,
                 **kwargs):
        num_classes = num_classes or self.NUM_CLASSES
        if not isinstance(num_classes, int) or num_classes <= 0:
            raise ValueError(f'{type(self).__name__}: num_classes must be a '
                             f'positive int, got {num_classes!r}')
        self.num_classes = num_classes
        self.check_files = check_files
        kwargs.setdefault(
            'metainfo',
            dict(classes=[str(i) for i in range(num_classes)]))
        super().__init__(ann_file=ann_file, data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        samples = parse_list_file(self.ann_file, self.num_classes)
        data_list = [
            dict(img_path=osp.join(self.data_root, path), gt_label=label)
            for path, label in samples
        ]
        if self.check_files:
            backend = get_file_backend(self.data_root or '.')
            missing = [
                d['img_path'] for d in data_list
                if not backend.exists(d['img_path'])
            ]
            if missing:
                listed = ', '.join(missing[:MAX_LISTED])
                more = len(missing) - MAX_LISTED
                raise FileNotFoundError(
                    f'{len(missing)} image(s) listed in {self.ann_file} do '
                    f'not exist: {listed}' +
                    (f' and {more} more' if more > 0 else '') +
                    ' (check data_root, or set check_files=False to find '
                    'out at read time)')
        return data_list

    @property
    def class_counts(self) -> np.ndarray:
        """Images per class, ``(num_classes,)``."""
        return np.bincount(self.get_gt_labels(), minlength=self.num_classes)


@DATASETS.register_module()
class ImageNetLT(LTListDataset):
    """ImageNet-LT (Liu et al., 2019): 1000 classes, 1280 to 5 images.

    ``ann_file`` is one of ``ImageNet_LT_{train,val,test}.txt`` and
    ``data_root`` the ImageNet root holding ``train/`` and ``val/``.
    """

    NUM_CLASSES = 1000


@DATASETS.register_module()
class INaturalist2018(LTListDataset):
    """iNaturalist 2018: 8142 species, the official long-tailed split.

    ``ann_file`` is ``iNaturalist18_{train,val}.txt`` and ``data_root``
    the folder holding ``train_val2018/``.
    """

    NUM_CLASSES = 8142


@DATASETS.register_module()
class PlacesLT(LTListDataset):
    """Places-LT (Liu et al., 2019): 365 scene classes, 4980 to 5 images."""

    NUM_CLASSES = 365
