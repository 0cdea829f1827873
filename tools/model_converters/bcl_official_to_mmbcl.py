"""Convert the BCL authors' released checkpoints into mmbcl's model.

The authors' checkpoints (``nn.DataParallel``) hold ``state_dict`` with
``module.encoder.*`` (torchvision ResNet/ResNeXt names), ``module.head.*``
(contrastive MLP, Linear-BN-ReLU-Linear), ``module.head_fc.*`` (prototype
MLP, same shape) and ``module.fc.weight``, their cosine classifier stored
``(in_features, num_classes)``. mmbcl's ``BCLClassifier`` names them
``backbone.*``, ``head.contrast_mlp.*``, ``head.proto_mlp.*`` and
``head.fc.weight`` ``(num_classes, in_features)``; mmpretrain's ResNet and
ResNeXt use torchvision's parameter names.

Example:
    python tools/model_converters/bcl_official_to_mmbcl.py \
        bcl_resnext50_imagenet_lt.pth.tar bcl_resnext50_mmbcl.pth \
        --train-list data/imagenet/ImageNet_LT_train.txt
    python tools/test.py configs/bcl/resnext50_imagenet_lt.py \
        bcl_resnext50_mmbcl.pth
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


def convert(state_dict: dict) -> OrderedDict:
    """Rename (and where needed transpose) the authors' parameters.

    Raises:
        CheckpointError: A key that is not part of the authors' BCL model.
    """
    converted, unknown = OrderedDict(), []
    has_bias = any(k.endswith('fc.bias') and not k.startswith(
        ('module.encoder.', 'encoder.')) for k in state_dict)
    for key, value in state_dict.items():
        key = key[len('module.'):] if key.startswith('module.') else key
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
    # The authors' files are plain tensors in dicts (plus numbers and
    # strings): checked, then loaded with weights_only=True, as every
    # checkpoint mmbcl reads.
    checkpoint = load_checkpoint_file(args.src, 'cpu', source=args.src)
    state_dict = checkpoint.get('state_dict', checkpoint)
    meta = dict(converted_from=osp.basename(args.src))
    if args.train_list:
        meta['class_counts'] = count_classes(args.train_list)
    out = dict(state_dict=convert(state_dict), meta=meta)
    tmp = args.dst + '.tmp'
    torch.save(out, tmp)
    os.replace(tmp, args.dst)  # never leave a half-written checkpoint
    print(f'wrote {len(out["state_dict"])} tensors to {args.dst}')


if __name__ == '__main__':
    main()
