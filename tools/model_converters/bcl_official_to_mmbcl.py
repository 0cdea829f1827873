"""Convert BCL's and ProCo's released checkpoints into mmbcl's model.

The BCL authors' checkpoints (``nn.DataParallel``) hold ``state_dict`` with
``module.encoder.*`` (torchvision ResNet/ResNeXt names), ``module.head.*``
(contrastive MLP, Linear-BN-ReLU-Linear), ``module.head_fc.*`` (prototype
MLP, same shape) and ``module.fc.weight``, their cosine classifier stored
``(in_features, num_classes)``. mmbcl's ``BCLClassifier`` names them
``backbone.*``, ``head.contrast_mlp.*``, ``head.proto_mlp.*`` and
``head.fc.weight`` ``(num_classes, in_features)``; mmpretrain's ResNet and
ResNeXt use torchvision's parameter names.

ProCo's checkpoints (LeapLabTHU/ProCo, built on BCL's code) have the same
layout without ``head_fc`` (no prototype MLP); their CIFAR models use a
linear classifier (``fc.weight`` and ``fc.bias``, not transposed) and the
CIFAR ResNet-32 (``encoder.conv1``, ``encoder.bn1``, ``encoder.layerN``),
which become ``backbone.stem.0``, ``backbone.stem.1`` and
``backbone.stages.{N-1}``. Their ``criterion_scl`` entry, the pickled loss
object with its class estimates, is read without running any of its code
(its two classes stand as attribute records); the estimates become
``ProCoLoss``'s buffers, so a ProCo config resumes or fine-tunes from them.

Example:
    python tools/model_converters/bcl_official_to_mmbcl.py \
        bcl_resnext50_imagenet_lt.pth.tar bcl_resnext50_mmbcl.pth \
        --train-list data/imagenet/ImageNet_LT_train.txt
    python tools/test.py configs/bcl/resnext50_imagenet_lt.py \
        bcl_resnext50_mmbcl.pth
    python tools/model_converters/bcl_official_to_mmbcl.py \
        proco_cifar100_imb100.pth.tar proco_cifar100_mmbcl.pth
    python tools/test.py configs/proco/resnet32_cifar100_lt_r100.py \
        proco_cifar100_mmbcl.pth
"""
import argparse
import os
import os.path as osp
from collections import OrderedDict

import numpy as np
import torch

from mmbcl.utils import CheckpointError, load_checkpoint_file
from mmbcl.utils.cli import one_line_errors

PREFIXES = (('encoder.', 'backbone.'), ('head_fc.', 'head.proto_mlp.'),
            ('head.', 'head.contrast_mlp.'), ('fc.', 'head.fc.'))
#: ProCo's CIFAR ResNet-32 (``ResNet_s``) against mmbcl's ``CifarResNet``.
CIFAR_ENCODER = (('conv1.', 'stem.0.'), ('bn1.', 'stem.1.'),
                 ('layer1.', 'stages.0.'), ('layer2.', 'stages.1.'),
                 ('layer3.', 'stages.2.'))


class _OfficialRecord:
    """Stands in for a class pickled in an official checkpoint: unpickling
    only fills its ``__dict__``; no code of the original class runs."""

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)


class OfficialProCoLoss(_OfficialRecord):
    """ProCo's ``loss.proco.ProCoLoss``, as data."""


class OfficialEstimator(_OfficialRecord):
    """ProCo's ``loss.proco.EstimatorCV``, as data."""


#: The only classes an official checkpoint may name beyond tensors.
OFFICIAL_RECORDS = [(OfficialProCoLoss, 'loss.proco.ProCoLoss'),
                    (OfficialEstimator, 'loss.proco.EstimatorCV')]


def _rename_cifar_encoder(key: str) -> str:
    for old, new in CIFAR_ENCODER:
        if key.startswith('encoder.' + old):
            return 'encoder.' + new + key[len('encoder.' + old):]
    return key


def convert(state_dict: dict) -> OrderedDict:
    """Rename (and where needed transpose) the authors' parameters.

    Raises:
        CheckpointError: A key that is not part of the authors' BCL model.
    """
    converted, unknown = OrderedDict(), []
    has_bias = any(k.endswith('fc.bias') and not k.startswith(
        ('module.encoder.', 'encoder.')) for k in state_dict)
    cifar = not any('encoder.layer4.' in k for k in state_dict)
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
        if cifar:
            key = _rename_cifar_encoder(key)
        if key.startswith('encoder.fc.'):
            continue  # the encoder's unused ImageNet classifier
        for old, new in PREFIXES:
            if key.startswith(old):
                new_key = new + key[len(old):]
                break
        else:
            unknown.append(key)
            continue
        if new_key == 'head.fc.weight' and not has_bias:
            value = value.t().contiguous()  # NormedLinear: (in, C)
        converted[new_key] = value
    if unknown:
        raise CheckpointError(
            f'not a BCL checkpoint: unexpected keys {unknown[:5]}'
            f'{" ..." if len(unknown) > 5 else ""}')
    return converted


def convert_estimates(criterion) -> OrderedDict:
    """ProCo's pickled loss -> ``ProCoLoss`` buffers (float64).

    ``estimator_old`` (the one its logits use) becomes ``estimate``,
    ``estimator`` (this epoch's) ``next_estimate``.
    """
    converted = OrderedDict()
    for old, new in (('estimator_old', 'estimate'),
                     ('estimator', 'next_estimate')):
        estimator = getattr(criterion, old, None)
        if not isinstance(getattr(estimator, 'Ave', None), torch.Tensor):
            raise CheckpointError(
                f'criterion_scl has no {old}.Ave tensor: not a ProCo loss')
        prefix = f'head.contrast_loss.{new}.'
        converted[prefix + 'mean'] = estimator.Ave.double()
        converted[prefix + 'count'] = estimator.Amount.double()
    return converted


def count_classes(list_file: str) -> list:
    """Images per class of a ``relative/path label`` training list."""
    labels = [int(line.rsplit(maxsplit=1)[1])
              for line in open(list_file) if line.strip()]
    return np.bincount(labels).tolist()


@one_line_errors(CheckpointError)
def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('src', help="the authors' checkpoint")
    parser.add_argument('dst', help='where to write the mmbcl checkpoint')
    parser.add_argument(
        '--train-list',
        help='training list file; its class counts are stored in the '
        'checkpoint so ShotAccuracy works in tools/test.py')
    args = parser.parse_args()
    # The official files are tensors in dicts (plus numbers, strings and
    # ProCo's loss object): checked, then loaded with weights_only=True, as
    # every checkpoint mmbcl reads, ProCo's two loss classes read as data.
    with torch.serialization.safe_globals(OFFICIAL_RECORDS):
        checkpoint = load_checkpoint_file(args.src, 'cpu', source=args.src)
    state_dict = checkpoint.get('state_dict', checkpoint)
    meta = dict(converted_from=osp.basename(args.src))
    if args.train_list:
        meta['class_counts'] = count_classes(args.train_list)
    converted = convert(state_dict)
    if 'criterion_scl' in checkpoint:
        converted.update(convert_estimates(checkpoint['criterion_scl']))
    out = dict(state_dict=converted, meta=meta)
    tmp = args.dst + '.tmp'
    torch.save(out, tmp)
    os.replace(tmp, args.dst)  # never leave a half-written checkpoint
    print(f'wrote {len(out["state_dict"])} tensors to {args.dst}')


if __name__ == '__main__':
    main()
