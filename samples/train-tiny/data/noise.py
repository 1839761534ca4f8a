"""Periodic noise primitives. Everything here tiles: spectral noise is built in the
Fourier domain (integer frequencies only) and cell noise wraps its feature points,
so any texture made from them repeats exactly at the image border."""
import math
import torch


def grid(n, h, w):
    """Pixel-centre coordinates in [0, 1), shaped [n, h, w]."""
    v = ((torch.arange(h, dtype=torch.float32) + 0.5) / h).view(1, h, 1).expand(n, h, w)
    u = ((torch.arange(w, dtype=torch.float32) + 0.5) / w).view(1, 1, w).expand(n, h, w)
    return u, v


def spectral(gen, n, h, w, f_lo, f_hi, beta=1.0, stretch_x=1.0, stretch_y=1.0):
    """Band-limited 1/f^beta noise, zero mean, unit std per image, shaped [n, h, w].

    Frequencies are in cycles per 128 pixels so a texture keeps its pixel scale at any size.
    stretch_x > 1 squeezes the spectrum along x, i.e. makes features longer along x (grain).
    """
    white = torch.randn(n, h, w, generator=gen)
    spec = torch.fft.rfft2(white)
    fy = torch.fft.fftfreq(h, d=1.0 / h).abs().view(h, 1) * (128.0 / h)
    fx = torch.fft.rfftfreq(w, d=1.0 / w).view(1, -1) * (128.0 / w)
    r = torch.sqrt((fx * stretch_x) ** 2 + (fy * stretch_y) ** 2).clamp_min(1e-3)
    amp = r.pow(-beta) * torch.exp(-(r / f_hi) ** 2) * (1 - torch.exp(-(r / f_lo) ** 2))
    amp[0, 0] = 0.0
    out = torch.fft.irfft2(spec * amp, s=(h, w))
    out = out - out.mean(dim=(1, 2), keepdim=True)
    return out / out.std(dim=(1, 2), keepdim=True).clamp_min(1e-6)


def cells(gen, n, u, v, cx, cy, jitter=0.9):
    """Periodic Worley noise over cx*cy jittered cells, evaluated at (u, v) in image units.

    Returns (f1, f2, cell_id, cell_rand): nearest and second-nearest distances in cell units,
    the nearest cell's index, and a per-cell random value in [0, 1) for colour variation.
    """
    pts = (1 - jitter) / 2 + jitter * torch.rand(n, cy, cx, 2, generator=gen)
    rnd = torch.rand(n, cy * cx, generator=gen)
    x, y = u * cx, v * cy
    ix, iy = torch.floor(x), torch.floor(y)
    f1 = torch.full_like(x, 1e9)
    f2 = torch.full_like(x, 1e9)
    best = torch.zeros_like(x, dtype=torch.long)
    flat = pts.view(n, cy * cx, 2)
    for dy in (-1, 0, 1):
        for dx in (-1, 0, 1):
            cxi, cyi = ix + dx, iy + dy
            idx = (torch.remainder(cyi, cy) * cx + torch.remainder(cxi, cx)).long()
            p = torch.gather(flat, 1, idx.view(n, -1, 1).expand(-1, -1, 2)).view(*x.shape, 2)
            d = torch.sqrt((cxi + p[..., 0] - x) ** 2 + (cyi + p[..., 1] - y) ** 2)
            closer = d < f1
            f2 = torch.where(closer, f1, torch.minimum(f2, d))
            best = torch.where(closer, idx, best)
            f1 = torch.minimum(f1, d)
    cell_rand = torch.gather(rnd, 1, best.view(n, -1)).view_as(x)
    return f1, f2, best, cell_rand


def hash_rand(gen, n, count):
    """count random values in [0, 1) per image, for per-brick / per-tile variation."""
    return torch.rand(n, count, generator=gen)


def smoothstep(e0, e1, x):
    t = ((x - e0) / (e1 - e0)).clamp(0, 1)
    return t * t * (3 - 2 * t)


def tau():
    return 2 * math.pi
