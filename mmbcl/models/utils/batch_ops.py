"""Vectorised photometric and affine image ops with per-sample parameters.

Each op takes a float batch ``x`` of shape ``(N, 3, H, W)``, RGB, values in
``[0, 255]``, and a parameter tensor of shape ``(N, )`` (one value per
image), and returns the transformed batch in the same range. They mirror
the mmcv functions that MMPretrain's transforms call (named in each
docstring; ``ColorJitter`` calls their pillow backend, which computes the
same blends); ``tests/test_models/test_utils/test_batch_ops.py`` states and
checks the tolerance of each against its mmcv op.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor

#: ITU-R 601 luma weights (cv2 ``COLOR_RGB2GRAY``), RGB order.
LUMA = (0.299, 0.587, 0.114)


def _per_sample(param: Tensor) -> Tensor:
    return param.to(torch.float32).view(-1, 1, 1, 1)


def luma(x: Tensor) -> Tensor:
    """Grey level of each pixel, ``(N, 1, H, W)`` (``mmcv.bgr2gray``)."""
    r, g, b = x.unbind(1)
    return (LUMA[0] * r + LUMA[1] * g + LUMA[2] * b).unsqueeze(1)


def blend(x: Tensor, other: Tensor, factor: Tensor) -> Tensor:
    """``factor * x + (1 - factor) * other``, clipped to ``[0, 255]``."""
    f = _per_sample(factor)
    return (f * x + (1 - f) * other).clamp_(0, 255)


def brightness(x: Tensor, factor: Tensor) -> Tensor:
    """``mmcv.adjust_brightness``: blend with black."""
    return blend(x, torch.zeros_like(x), factor)


def contrast(x: Tensor, factor: Tensor) -> Tensor:
    """``mmcv.adjust_contrast``: blend with the image's mean grey level."""
    mean = luma(x).round().mean(dim=(1, 2, 3), keepdim=True).round()
    return blend(x, mean.expand_as(x), factor)


def saturation(x: Tensor, factor: Tensor) -> Tensor:
    """``mmcv.adjust_color``: blend with the image's grey version."""
    return blend(x, luma(x).round().expand_as(x), factor)


def hue(x: Tensor, shift: Tensor) -> Tensor:
    """``adjust_hue`` (mmbcl's fixed mmcv op, pillow backend as
    ``ColorJitter`` calls it): rotate the hue by ``shift`` turns, ``shift``
    in ``[-0.5, 0.5]``, quantised as mmcv does (``int(shift * 255)`` of 256
    hue levels)."""
    shift = torch.trunc(shift.to(x.dtype) * 255) / 256
    v, imax = x.max(dim=1)
    c = v - x.min(dim=1)[0]
    r, g, b = x.unbind(1)
    safe = torch.where(c > 0, c, torch.ones_like(c))
    h = torch.where(imax == 0, ((g - b) / safe) % 6,
                    torch.where(imax == 1, (b - r) / safe + 2,
                                (r - g) / safe + 4)) / 6
    h = torch.where(c > 0, h, torch.zeros_like(h))
    h = (h + shift.view(-1, 1, 1)) % 1.0
    # HSV -> RGB: channel k is v - c * clamp(min(p, 4 - p), 0, 1) with
    # p = (n + 6h) mod 6 and n = 5, 3, 1 for R, G, B.
    n = torch.tensor([5.0, 3.0, 1.0], device=x.device).view(1, 3, 1, 1)
    p = (n + 6 * h.unsqueeze(1)) % 6
    k = torch.minimum(p, 4 - p).clamp_(0, 1)
    return (v.unsqueeze(1) - c.unsqueeze(1) * k).clamp_(0, 255)


def grayscale(x: Tensor, weights=(1.0, 1.0, 1.0)) -> Tensor:
    """mmcv's ``RandomGrayscale(keep_channels=True)``: the weighted channel
    mean (equal weights by default), truncated to an integer, in all three
    channels. ``weights`` are in RGB order. Computed as mmcv computes it,
    in float64 and summed in the image's (BGR) channel order, so the
    truncation agrees on every pixel (a float32 mean differs by one grey
    level on 6.4 % of all colours)."""
    bgr = weights[::-1]
    total = sum(bgr)  # as mmcv sums them, in the image's order
    w_b, w_g, w_r = (float(v) / total for v in bgr)
    r, g, b = x.double().unbind(1)
    gray = (b * w_b + g * w_g) + r * w_r
    return gray.floor().to(x.dtype).unsqueeze(1).expand_as(x).contiguous()


def gaussian_blur(x: Tensor, sigma: Tensor, max_sigma: float) -> Tensor:
    """PIL ``ImageFilter.GaussianBlur(radius=sigma)`` (the SimCLR blur):
    a separable Gaussian of standard deviation ``sigma``, truncated at 3
    sigma, edges replicated. Every kernel is ``2 * ceil(3 * max_sigma) +
    1`` taps wide (a bound known on the host: no device sync)."""
    sigma = sigma.to(x.dtype).clamp(min=1e-3, max=max_sigma)
    half = max(1, int(math.ceil(3 * max_sigma)))
    taps = torch.arange(-half, half + 1, device=x.device, dtype=x.dtype)
    kernel = torch.exp(-0.5 * (taps.view(1, -1) / sigma.view(-1, 1))**2)
    kernel = kernel / kernel.sum(1, keepdim=True)  # (N, K)
    n, ch, hgt, wid = x.shape
    weight = kernel.repeat_interleave(ch, 0)  # (N * 3, K)
    out = F.pad(x.reshape(1, n * ch, hgt, wid), (half, half, half, half),
                mode='replicate')
    out = F.conv2d(out, weight.view(n * ch, 1, 1, -1), groups=n * ch)
    out = F.conv2d(out, weight.view(n * ch, 1, -1, 1), groups=n * ch)
    return out.view(n, ch, hgt, wid)


def sharpness(x: Tensor, factor: Tensor) -> Tensor:
    """``mmcv.adjust_sharpness``: blend with PIL's SMOOTH filter output
    (``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13``, borders reflected)."""
    box = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode='reflect'), 3, stride=1)
    smooth = ((9 * box + 4 * x) / 13).round().clamp_(0, 255)
    return blend(x, smooth, factor)


def invert(x: Tensor, _=None) -> Tensor:
    """``mmcv.iminvert``."""
    return 255 - x


def posterize(x: Tensor, bits: Tensor) -> Tensor:
    """``mmcv.posterize``: keep the ``bits`` high bits of each value."""
    step = 2.0**(8 - _per_sample(bits))
    return torch.floor(x.floor() / step) * step


def solarize(x: Tensor, threshold: Tensor) -> Tensor:
    """``mmcv.solarize``: invert values at or above ``threshold``."""
    x = x.floor()
    return torch.where(x < _per_sample(threshold), x, 255 - x)


def solarize_add(x: Tensor, addition: Tensor, threshold=128) -> Tensor:
    """MMPretrain's ``SolarizeAdd``: add to values below ``threshold``."""
    x = x.floor()
    return torch.where(x < threshold, (x + _per_sample(addition)).clamp(
        max=255).floor(), x)


def _levels(x: Tensor) -> Tensor:
    """The integer level of each value, one row per image channel,
    ``(N * 3, H * W)``."""
    return x.floor().clamp(0, 255).long().flatten(2).flatten(0, 1)


def _channel_histograms(levels: Tensor) -> Tensor:
    """256-bin histogram of each row of ``_levels``, ``(N * 3, 256)``."""
    hist = torch.zeros(levels.shape[0], 256, device=levels.device)
    return hist.scatter_add_(1, levels, torch.ones_like(hist[:, :1]).expand(
        levels.shape))


def _apply_lut(x: Tensor, levels: Tensor, lut: Tensor) -> Tensor:
    return lut.gather(1, levels).view_as(x).to(x.dtype)


def auto_contrast(x: Tensor, _=None) -> Tensor:
    """``mmcv.auto_contrast`` (no cut-off): stretch each channel to
    ``[0, 255]``; a constant channel is kept."""
    pixels = _levels(x)
    hist = _channel_histograms(pixels)
    levels = torch.arange(256, device=x.device, dtype=torch.float32)
    present = hist > 0
    low = torch.where(present, levels, torch.full_like(levels, 256)).amin(1)
    high = torch.where(present, levels, torch.full_like(levels, -1)).amax(1)
    scale = 255.0 / (high - low).clamp(min=1)
    lut = (levels * scale[:, None] - low[:, None] * scale[:, None]).clamp(
        0, 255).floor()
    lut = torch.where((low < high)[:, None], lut, levels.expand_as(lut))
    return _apply_lut(x, pixels, lut)


def equalize(x: Tensor, _=None) -> Tensor:
    """``mmcv.imequalize``: equalise each channel's histogram."""
    pixels = _levels(x)
    hist = _channel_histograms(pixels)
    levels = torch.arange(256, device=x.device, dtype=torch.float32)
    last = torch.where(hist > 0, levels, torch.full_like(levels, -1)).amax(1)
    step = torch.div(hist.sum(1) - hist.gather(1, last.long()[:, None])[:, 0],
                     255, rounding_mode='floor')
    safe = step.clamp(min=1)[:, None]
    lut = torch.div(hist.cumsum(1) + torch.div(step[:, None], 2,
                                               rounding_mode='floor'),
                    safe, rounding_mode='floor')
    lut = torch.cat([torch.zeros_like(lut[:, :1]), lut[:, :-1]], 1)
    lut = torch.where((step > 0)[:, None], lut.clamp(max=255),
                      levels.expand_as(lut))
    return _apply_lut(x, pixels, lut)


def affine(x: Tensor, matrix: Tensor, fill, mode: str) -> Tensor:
    """``cv2.warpAffine`` of each image by its ``(2, 3)`` forward matrix
    (pixel coordinates), outside filled with ``fill`` (RGB)."""
    n, _, hgt, wid = x.shape
    m = matrix.to(torch.float32)
    (a, b, c), (d, e, f) = m[:, 0].unbind(-1), m[:, 1].unbind(-1)
    det = a * e - b * d
    # the inverse map, output pixel -> input pixel, in closed form (no
    # linalg call: it would check for singularity with a host sync)
    inverse = torch.stack([
        torch.stack([e, -b, b * f - c * e], -1),
        torch.stack([-d, a, c * d - a * f], -1)
    ], 1) / det.view(-1, 1, 1)
    # grid_sample (align_corners=True) reads unit coordinates
    # u = 2 * px / (size - 1) - 1; theta = unit <- px <- inverse <- unit.
    half = torch.tensor([(wid - 1) / 2, (hgt - 1) / 2], device=x.device)
    scaled = inverse[:, :, :2] * half.view(1, 1, 2)
    linear = scaled / half.view(1, 2, 1)
    shift = (scaled.sum(2) + inverse[:, :, 2]) / half - 1
    theta = torch.cat([linear, shift.unsqueeze(2)], 2)
    grid = F.affine_grid(theta, [n, 3, hgt, wid], align_corners=True)
    fill = torch.as_tensor(fill, device=x.device, dtype=x.dtype).view(
        1, 3, 1, 1)
    # Sampling x - fill with zero padding, then adding fill back, samples
    # outside pixels as ``fill``: cv2's BORDER_CONSTANT, edges included.
    out = F.grid_sample(x - fill, grid, mode=mode, padding_mode='zeros',
                        align_corners=True)
    return (out + fill).clamp_(0, 255)


def rotate_matrix(angle: Tensor, hgt: int, wid: int) -> Tensor:
    """``mmcv.imrotate``'s matrix: ``angle`` degrees clockwise about the
    centre ``((w - 1) / 2, (h - 1) / 2)``."""
    rad = torch.deg2rad(-angle.to(torch.float32))
    cos, sin = torch.cos(rad), torch.sin(rad)
    cx, cy = (wid - 1) * 0.5, (hgt - 1) * 0.5
    return torch.stack([
        torch.stack([cos, sin, (1 - cos) * cx - sin * cy], -1),
        torch.stack([-sin, cos, sin * cx + (1 - cos) * cy], -1)
    ], 1)


def shear_matrix(magnitude: Tensor, horizontal: bool) -> Tensor:
    """``mmcv.imshear``'s matrix."""
    m = magnitude.to(torch.float32)
    one, zero = torch.ones_like(m), torch.zeros_like(m)
    if horizontal:
        rows = [[one, m, zero], [zero, one, zero]]
    else:
        rows = [[one, zero, zero], [m, one, zero]]
    return torch.stack([torch.stack(r, -1) for r in rows], 1)


def translate_matrix(offset: Tensor, horizontal: bool) -> Tensor:
    """``mmcv.imtranslate``'s matrix; ``offset`` in pixels."""
    o = offset.to(torch.float32)
    one, zero = torch.ones_like(o), torch.zeros_like(o)
    if horizontal:
        rows = [[one, zero, o], [zero, one, zero]]
    else:
        rows = [[one, zero, zero], [zero, one, o]]
    return torch.stack([torch.stack(r, -1) for r in rows], 1)
