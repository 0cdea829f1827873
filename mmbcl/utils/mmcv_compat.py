"""Compatibility fixes for mmcv 2.2.0 under the current numpy stack."""
import numpy as np

MMCV_INSTALL_HINT = (
    "mmbcl needs mmcv (full or lite) but neither is installed. Run: "
    "pip install 'mmcv-lite==2.2.0'   (or: pip install -e '.[lite]' from "
    "the mmbcl checkout). If you build full mmcv yourself, install it "
    'instead; mmbcl works with either.')


def require_mmcv() -> None:
    """Raise an ``ImportError`` naming the fix when mmcv is missing."""
    try:
        import mmcv  # noqa: F401
    except ImportError as error:
        raise ImportError(MMCV_INSTALL_HINT) from error


def adjust_hue(img: np.ndarray,
               hue_factor: float,
               backend: str = None) -> np.ndarray:
    """Shift the hue of an image cyclically, as ``mmcv.adjust_hue`` intends.

    mmcv 2.2.0 adds ``np.uint8(hue_factor * 255)`` to the hue channel; under
    numpy 2 that cast raises ``OverflowError`` for every negative factor,
    i.e. on about half of all images jittered with ``hue > 0``. Here the
    shift is taken modulo 256, which is what the uint8 wrap-around did under
    numpy 1 (and what torchvision does), so results are unchanged wherever
    mmcv did not crash.

    Args:
        img (np.ndarray): A BGR image, ``(H, W, 3)``.
        hue_factor (float): Shift of the hue channel in ``[-0.5, 0.5]``.
        backend (str, optional): ``'cv2'`` or ``'pillow'``; ``None`` uses
            mmcv's global image backend.

    Returns:
        np.ndarray: The hue-shifted image, same dtype as ``img``.

    Example:
        >>> img = np.random.randint(0, 256, (4, 4, 3), dtype=np.uint8)
        >>> adjust_hue(img, -0.1).shape
        (4, 4, 3)
    """
    import cv2
    import mmcv.image.photometric as photometric
    from PIL import Image

    if backend is None:
        backend = photometric.imread_backend
    if backend not in ('cv2', 'pillow'):
        raise ValueError(f"backend: {backend!r} is not supported; expected "
                         "'cv2' or 'pillow'")
    if not -0.5 <= hue_factor <= 0.5:
        raise ValueError(f'hue_factor: {hue_factor} is not in [-0.5, 0.5]')
    if not (isinstance(img, np.ndarray) and img.ndim in (2, 3)):
        raise TypeError('img should be an ndarray with 2 or 3 dimensions')
    shift = np.uint8(int(hue_factor * 255) % 256)

    if backend == 'pillow':
        pil_image = Image.fromarray(img[..., ::-1], mode='RGB')
        h, s, v = pil_image.convert('HSV').split()
        np_h = np.array(h, dtype=np.uint8) + shift  # uint8 wraps around
        pil_image = Image.merge(
            'HSV', (Image.fromarray(np_h, 'L'), s, v)).convert('RGB')
        return np.array(pil_image, dtype=img.dtype)[..., ::-1]

    dtype = img.dtype
    hsv_img = cv2.cvtColor(img.astype(np.uint8), cv2.COLOR_BGR2HSV_FULL)
    hsv_img[..., 0] += shift  # uint8 wraps around
    return cv2.cvtColor(hsv_img, cv2.COLOR_HSV2BGR_FULL).astype(dtype)


def _mmcv_hue_is_broken() -> bool:
    import mmcv
    probe = np.zeros((1, 1, 3), dtype=np.uint8)
    try:
        mmcv.adjust_hue(probe, -0.1, backend='cv2')
    except OverflowError:
        return True
    return False


def fix_mmcv_adjust_hue() -> bool:
    """Replace ``mmcv.adjust_hue`` with :func:`adjust_hue` if it is broken.

    mmpretrain's ``ColorJitter`` calls ``mmcv.adjust_hue``; the replacement
    is installed only when a negative hue shift actually raises, so a fixed
    mmcv is left untouched.

    Returns:
        bool: Whether the replacement was installed.
    """
    import mmcv
    import mmcv.image
    if mmcv.adjust_hue is adjust_hue or not _mmcv_hue_is_broken():
        return False
    mmcv.adjust_hue = adjust_hue
    mmcv.image.adjust_hue = adjust_hue
    mmcv.image.photometric.adjust_hue = adjust_hue
    return True
