"""RandAugment as BCL's ImageNet-LT code uses it: timm's
``rand_augment_transform('rand-n2-m10-mstd0.5')`` with its default
(non-"increasing") op set, in mmpretrain terms.

Level-to-magnitude maps as in timm: rotate 30 deg, shear 0.3 and translate
0.45 of the size at level 10 with a random sign; posterize keeps
``4 * level / 10`` bits; solarize threshold ``256 * level / 10``; solarize-add
``110 * level / 10``; colour / contrast / brightness / sharpness factor
``0.1 + 1.8 * level / 10`` with no random sign (``1 + m``, m in
[-0.9, 0.9]). mmpretrain's built-in 'timm_increasing' set is the other
("inc1") variant, which BCL did not use.

Rotate, shear and translate resample with an interpolation drawn per image
when ``hparams['interpolation']`` is a tuple: the authors' default is
bilinear or bicubic at random (``_RANDOM_INTERPOLATION`` in their
``randaugment.py``).
"""
rand_policies_timm = [
    dict(type='AutoContrast'),
    dict(type='Equalize'),
    dict(type='Invert'),
    dict(type='RandomInterpolationRotate', magnitude_range=(0, 30)),
    dict(type='Posterize', magnitude_range=(0, 4)),
    dict(type='Solarize', magnitude_range=(0, 256)),
    dict(type='SolarizeAdd', magnitude_range=(0, 110)),
    dict(
        type='ColorTransform',
        magnitude_range=(-0.9, 0.9),
        random_negative_prob=0.0),
    dict(
        type='Contrast', magnitude_range=(-0.9, 0.9),
        random_negative_prob=0.0),
    dict(
        type='Brightness',
        magnitude_range=(-0.9, 0.9),
        random_negative_prob=0.0),
    dict(
        type='Sharpness',
        magnitude_range=(-0.9, 0.9),
        random_negative_prob=0.0),
    dict(
        type='RandomInterpolationShear',
        magnitude_range=(0, 0.3),
        direction='horizontal'),
    dict(
        type='RandomInterpolationShear',
        magnitude_range=(0, 0.3),
        direction='vertical'),
    dict(
        type='RandomInterpolationTranslate',
        magnitude_range=(0, 0.45),
        direction='horizontal'),
    dict(
        type='RandomInterpolationTranslate',
        magnitude_range=(0, 0.45),
        direction='vertical'),
]
