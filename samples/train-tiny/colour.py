"""sRGB -> CIE Lab (D65), for the colour-adherence metric."""
import torch


def srgb_to_lab(rgb):
    """rgb [..., 3] in [0, 1] -> Lab [..., 3]."""
    lin = torch.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    m = torch.tensor([[0.4124564, 0.3575761, 0.1804375],
                      [0.2126729, 0.7151522, 0.0721750],
                      [0.0193339, 0.1191920, 0.9503041]], dtype=rgb.dtype)
    xyz = lin @ m.T / torch.tensor([0.95047, 1.0, 1.08883], dtype=rgb.dtype)
    f = torch.where(xyz > (6 / 29) ** 3, xyz.clamp_min(1e-12) ** (1 / 3), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return torch.stack([116 * f[..., 1] - 16, 500 * (f[..., 0] - f[..., 1]), 200 * (f[..., 1] - f[..., 2])], -1)


def mean_lab(images):
    """images [n, 3, h, w] sRGB -> mean Lab per image [n, 3] (Lab of each pixel, then averaged)."""
    return srgb_to_lab(images.permute(0, 2, 3, 1)).mean(dim=(1, 2))


def delta_e(a, b):
    """CIE76 colour difference."""
    return (a - b).norm(dim=-1)
