"""Whole-batch image ops with per-image parameters, for the gpu-aug plans.

Each op takes a float batch ``x`` of shape ``(N, 3, H, W)``, RGB, values in
``[0, 255]``, and per-image parameters shaped ``(N, 1, 1, 1)`` (or ``(N,
)`` where noted), and runs on the whole batch with no host
synchronisation. They mirror the mmcv functions MMPretrain's transforms
call (named in each docstring; ``ColorJitter`` calls their pillow
backend); the tests in
``tests/test_models/test_utils/test_batch_augments/test_batch_ops.py``
state and check the tolerance of each against its mmcv op, through the plans.
"""
import math

import torch
import torch.nn.functional as F
from torch import Tensor

#: ITU-R 601 luma weights (cv2 ``COLOR_RGB2GRAY``), RGB order.
LUMA = (0.299, 0.587, 0.114)
#: The n of each channel in the HSV -> RGB formula, ``(1, 3, 1, 1)``; a
#: CPU constant, moved once per device (:func:`cached_to`).
HUE_OFFSETS = torch.tensor([5.0, 3.0, 1.0]).view(1, 3, 1, 1)


def luma(x: Tensor) -> Tensor:
    """Grey level of each pixel, rounded, ``(N, 1, H, W)`` (the grey image
    ``mmcv.adjust_contrast`` and ``adjust_color`` blend with)."""
    r, g, b = x.unbind(1)
    return (LUMA[0] * r + LUMA[1] * g + LUMA[2] * b).round().unsqueeze(1)


def blend(x: Tensor, factor: Tensor, target) -> Tensor:
    """``factor * x + (1 - factor) * target``, clipped to ``[0, 255]``:
    ``mmcv.adjust_brightness`` (target 0), ``adjust_contrast`` (the mean
    grey level), ``adjust_color`` (the grey image), ``adjust_sharpness``
    (the smoothed image). A factor of 1 leaves ``x`` exactly."""
    return (factor * x + (1 - factor) * target).clamp_(0, 255)


def smooth(x: Tensor) -> Tensor:
    """PIL's SMOOTH filter (``[[1, 1, 1], [1, 5, 1], [1, 1, 1]] / 13``,
    borders reflected), rounded: what ``mmcv.adjust_sharpness`` blends
    with."""
    box = F.avg_pool2d(F.pad(x, (1, 1, 1, 1), mode='reflect'), 3, stride=1)
    return ((9 * box + 4 * x) / 13).round().clamp_(0, 255)


def hue(x: Tensor, shift: Tensor, offsets: Tensor = None,
        bgr: bool = False) -> Tensor:
    """``adjust_hue`` (mmbcl's fixed mmcv op, pillow backend as
    ``ColorJitter`` calls it): rotate the hue by ``shift`` turns, ``shift``
    ``(N, )`` in ``[-0.5, 0.5]``, quantised as mmcv does (``int(shift *
    255)`` of 256 hue levels). ``offsets`` is :data:`HUE_OFFSETS` on the
    device, in ``x``'s channel order (moved there if not given). ``x`` is
    RGB, or BGR if ``bgr``."""
    if offsets is None:
        offsets = HUE_OFFSETS.flip(1) if bgr else HUE_OFFSETS
        offsets = offsets.to(x.device)
    shift = torch.trunc(shift.to(x.dtype) * 255) / 256
    v, imax = x.max(dim=1)
    c = v - x.min(dim=1)[0]
    # where two channels tie for the maximum, either branch below gives
    # the same hue, so the channel order does not change the result
    if bgr:
        b, g, r = x.unbind(1)
    else:
        r, g, b = x.unbind(1)
    # a grey pixel (c = 0) keeps v whatever its hue: any finite h will do
    safe = c.clamp(min=torch.finfo(c.dtype).tiny)
    h = torch.where(imax == (2 if bgr else 0), ((g - b) / safe) % 6,
                    torch.where(imax == 1, (b - r) / safe + 2,
                                (r - g) / safe + 4)) / 6
    h = (h + shift.view(-1, 1, 1)) % 1.0
    # HSV -> RGB: channel k is v - c * clamp(min(p, 4 - p), 0, 1) with
    # p = (n + 6h) mod 6 and n = 5, 3, 1 for R, G, B.
    p = (6 * h.unsqueeze(1) + offsets) % 6
    k = torch.minimum(p, 4 - p).clamp_(0, 1)
    return (v.unsqueeze(1) - c.unsqueeze(1) * k).clamp_(0, 255)


def grayscale(x: Tensor, weights=(1.0, 1.0, 1.0), bgr: bool = False
              ) -> Tensor:
    """mmcv's ``RandomGrayscale(keep_channels=True)``: the weighted channel
    mean (equal weights by default), truncated to an integer, in all three
    channels. ``weights`` are in RGB order. Computed as mmcv computes it,
    in float64 and summed in the image's (BGR) channel order, so the
    truncation agrees on every pixel (a float32 mean differs by one grey
    level on 6.4 % of all colours). ``x`` is RGB, or BGR if ``bgr``."""
    in_bgr = weights[::-1]
    total = sum(in_bgr)  # as mmcv sums them, in the image's order
    w_b, w_g, w_r = (float(v) / total for v in in_bgr)
    channels = x.double().unbind(1)
    b, g, r = channels if bgr else channels[::-1]
    gray = (b * w_b + g * w_g) + r * w_r
    return gray.floor().to(x.dtype).unsqueeze(1).expand_as(x)


def gaussian_blur(x: Tensor, sigma: Tensor, max_sigma: float) -> Tensor:
    """PIL ``ImageFilter.GaussianBlur(radius=sigma)`` (the SimCLR blur):
    a separable Gaussian of standard deviation ``sigma`` ``(N, )``,
    truncated at 3 sigma, edges replicated. Every kernel is ``2 * ceil(3 *
    max_sigma) + 1`` taps wide (a bound known on the host: no sync)."""
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


def histograms(levels: Tensor) -> Tensor:
    """256-bin histogram of each row of integer ``levels`` ``(R, P)``,
    ``(R, 256)``."""
    hist = torch.zeros(levels.shape[0], 256, device=levels.device)
    return hist.scatter_add_(1, levels, torch.ones_like(hist[:, :1]).expand(
        levels.shape))


def auto_contrast_lut(low: Tensor, high: Tensor, span: Tensor) -> Tensor:
    """``mmcv.auto_contrast`` (no cut-off) as a table per row: stretch each
    channel from its lowest and highest level (``low``, ``high``, float
    ``(R, 1)``) to ``[0, 255]``; a constant channel is kept. ``span`` is
    ``arange(256.0)``."""
    scale = 255.0 / (high - low).clamp(min=1)
    lut = ((span - low) * scale).clamp_(0, 255).floor_()
    return torch.where(low < high, lut, span)


def equalize_lut(hist: Tensor, high: Tensor, span: Tensor,
                 pixels: int) -> Tensor:
    """``mmcv.imequalize`` as a table per row, from each row's histogram
    of ``pixels`` pixels and its highest level ``high`` (long, ``(R,
    1)``)."""
    step = torch.div(pixels - hist.gather(1, high), 255,
                     rounding_mode='floor')
    # level i maps from the count below it: cumsum - hist
    below = hist.cumsum(1).sub_(hist)
    lut = torch.div(below.add_(torch.div(step, 2, rounding_mode='floor')),
                    step.clamp(min=1), rounding_mode='floor').clamp_(max=255)
    return torch.where(step > 0, lut, span)


def affine_grid(theta: Tensor, x: Tensor) -> Tensor:
    """The sampling grid of the inverse maps ``theta`` ``(N, 2, 3)``
    (``grid_sample``'s normalised coordinates, ``align_corners=True``)
    over ``x``'s images."""
    return F.affine_grid(theta, list(x.shape), align_corners=True)


def warp(x: Tensor, grid: Tensor, fill: Tensor, mode: str) -> Tensor:
    """``cv2.warpAffine`` of each image along ``grid``
    (:func:`affine_grid`), outside filled with ``fill`` ``(1, 3, 1, 1)``
    (cv2's ``BORDER_CONSTANT``, edges included)."""
    # sampling x - fill with zero padding, then adding fill back, samples
    # outside pixels as ``fill``
    out = F.grid_sample(x - fill, grid, mode=mode, padding_mode='zeros',
                        align_corners=True)
    return (out + fill).clamp_(0, 255)


def cached_to(cache: dict, key, make, device) -> Tensor:
    """``make()`` (a CPU tensor) on ``device``, built and copied once per
    device (later calls copy nothing)."""
    value = cache.get((key, device))
    if value is None:
        value = cache[(key, device)] = make().to(device)
    return value
