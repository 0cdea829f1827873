"""Per-class counts of any MMPretrain/MMEngine dataset: the *source*
counts (what the data set holds) and the *drawn* counts (what a loader
yields from it, wrappers included)."""
import numpy as np


def get_class_counts(dataset) -> np.ndarray:
    """The *source* images per class of ``dataset``, ``(C,)`` int64.

    What the data set holds: the many / medium / few split and the
    checkpoint's ``meta['class_counts']`` are defined on these. Uses the
    dataset's ``class_counts`` where it has one (mmbcl's long-tailed
    datasets), else counts ``get_gt_labels()`` over ``metainfo['classes']``.
    Dataset wrappers that repeat or rebalance items are looked through
    (``RepeatDataset``, ``ClassBalancedDataset``); ``ConcatDataset`` adds
    its parts up. For what a loader draws, see
    :func:`get_drawn_class_counts`.

    Args:
        dataset: A built dataset.

    Returns:
        np.ndarray: Images per class.
    """
    if hasattr(dataset, 'datasets'):  # ConcatDataset
        return np.sum([get_class_counts(d) for d in dataset.datasets], axis=0)
    if not hasattr(dataset, 'get_gt_labels') and hasattr(dataset, 'dataset'):
        return get_class_counts(dataset.dataset)
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    if hasattr(dataset, 'class_counts'):
        return np.asarray(dataset.class_counts, dtype=np.int64)
    if not hasattr(dataset, 'get_gt_labels'):
        raise TypeError(
            f'cannot count classes of {type(dataset).__name__}: it has '
            'neither class_counts nor get_gt_labels()')
    labels = get_labels(dataset)
    return np.bincount(labels, minlength=num_classes_of(dataset, labels))


def get_drawn_class_counts(dataset) -> np.ndarray:
    """Labels per class of one pass over ``dataset``, ``(C,)`` int64.

    What a loader with a plain sampler (``DefaultSampler``) yields in one
    epoch, so the label prior the losses see: wrappers count what they
    yield. ``ClassBalancedDataset`` counts its repeated indices,
    ``RepeatDataset`` its source ``times`` over, ``ConcatDataset`` adds its
    parts up, any other dataset counts its own labels (mmbcl's
    ``LongTailDataset`` its subsample).

    Example:
        >>> from mmengine.registry import init_default_scope
        >>> from mmpretrain.registry import DATASETS
        >>> init_default_scope('mmpretrain')  # as a config's runner does
        >>> ds = DATASETS.build(dict(type='RepeatDataset', times=3,
        ...     dataset=dict(type='SyntheticLT', n_max=20, imb_factor=0.1,
        ...                  num_classes=2)))
        >>> get_class_counts(ds).tolist(), get_drawn_class_counts(ds).tolist()
        ([20, 2], [60, 6])
    """
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    if hasattr(dataset, 'datasets'):  # ConcatDataset
        return np.sum([get_drawn_class_counts(d) for d in dataset.datasets],
                      axis=0)
    if hasattr(dataset, 'repeat_indices') and hasattr(dataset, 'dataset'):
        labels = get_labels(dataset.dataset)  # ClassBalancedDataset
        return np.bincount(labels[np.asarray(dataset.repeat_indices)],
                           minlength=num_classes_of(dataset.dataset, labels))
    if hasattr(dataset, 'times') and hasattr(dataset, 'dataset'):
        return dataset.times * get_drawn_class_counts(dataset.dataset)
    if hasattr(dataset, 'class_counts'):
        return np.asarray(dataset.class_counts, dtype=np.int64)
    labels = get_labels(dataset)
    return np.bincount(labels, minlength=num_classes_of(dataset, labels))


def num_classes_of(dataset, labels: np.ndarray) -> int:
    """``len(metainfo['classes'])``, or ``max(label) + 1`` without names."""
    named = len(dataset.metainfo.get('classes') or ())
    return named or (int(labels.max()) + 1 if labels.size else 0)


def get_labels(dataset) -> np.ndarray:
    """The label of every item of ``dataset``, in order, ``(N,)`` int64.

    Reads ``get_gt_labels()`` (every MMPretrain dataset and mmbcl's
    ``LongTailDataset`` have it), looks into a ``ConcatDataset``, and
    otherwise asks each item's ``get_cat_ids`` (``ClassBalancedDataset``)
    or ``get_data_info(i)['gt_label']`` (``RepeatDataset``, single-label
    datasets).
    """
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    if hasattr(dataset, 'get_gt_labels'):
        return np.asarray(dataset.get_gt_labels(), dtype=np.int64)
    if hasattr(dataset, 'datasets'):  # ConcatDataset
        return np.concatenate([get_labels(d) for d in dataset.datasets])
    if hasattr(dataset, 'get_cat_ids'):
        return np.asarray([dataset.get_cat_ids(i)[0]
                           for i in range(len(dataset))], dtype=np.int64)
    if hasattr(dataset, 'get_data_info'):
        return np.asarray([int(np.ravel(dataset.get_data_info(i)['gt_label'])
                               [0]) for i in range(len(dataset))],
                          dtype=np.int64)
    raise TypeError(
        f'{type(dataset).__name__} has no get_gt_labels(), get_cat_ids() '
        'or get_data_info(); class-aware samplers need the label of every '
        'item')
