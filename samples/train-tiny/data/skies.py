"""Procedural 2:1 equirectangular sky backdrops, periodic in x (longitude).

Row 0 is the zenith, the middle row the horizon, the last row the nadir. Clouds and stars
come from periodic noise and the mountain silhouette from a periodic 1-D profile, so the
left and right edges meet.
"""
import torch
from .noise import grid, spectral, smoothstep

KINDS = ("clear day", "sunset", "night", "overcast", "storm")
# caption phrases per kind; the first is canonical
PHRASES = {
    "clear day": ("clear blue sky", "clear day sky", "sunny sky"),
    "sunset": ("sunset sky", "orange sunset sky", "sunset"),
    "night": ("night sky with stars", "starry night sky", "night sky"),
    "overcast": ("overcast sky", "cloudy grey sky", "overcast cloudy sky"),
    "storm": ("stormy sky", "storm clouds", "dark stormy sky"),
}
_ZENITH = {"clear day": (0.16, 0.36, 0.78), "sunset": (0.14, 0.16, 0.38), "night": (0.01, 0.02, 0.06),
           "overcast": (0.55, 0.57, 0.6), "storm": (0.16, 0.17, 0.2)}
_HORIZON = {"clear day": (0.66, 0.8, 0.95), "sunset": (0.98, 0.55, 0.25), "night": (0.05, 0.07, 0.16),
            "overcast": (0.76, 0.77, 0.78), "storm": (0.3, 0.31, 0.33)}
_GROUND = {"clear day": (0.3, 0.33, 0.25), "sunset": (0.2, 0.13, 0.12), "night": (0.02, 0.02, 0.03),
           "overcast": (0.32, 0.33, 0.3), "storm": (0.12, 0.12, 0.12)}
_CLOUD = {"clear day": (0.97, 0.97, 0.98, 0.25), "sunset": (0.9, 0.45, 0.4, 0.5), "night": (0.1, 0.1, 0.13, 0.3),
          "overcast": (0.82, 0.83, 0.85, 1.0), "storm": (0.1, 0.1, 0.12, 1.0)}


def _t(x):
    return torch.tensor(x[:3]).view(1, 3, 1, 1)


def render(g, kind, n, h, w, mountains):
    """Render n skies of one kind, [n, 3, h, w] sRGB; mountains is a bool tensor [n]."""
    u, v = grid(n, h, w)
    elev = 1 - 2 * v                      # +1 zenith, 0 horizon, -1 nadir
    up = elev.clamp(0, 1)
    t = up.pow(0.45).unsqueeze(1)
    sky = _t(_HORIZON[kind]) + (_t(_ZENITH[kind]) - _t(_HORIZON[kind])) * t
    cover = _CLOUD[kind][3]
    clouds = spectral(g, n, h, w, 2, 24, beta=1.3, stretch_y=0.5)
    density = smoothstep(1.2 - 2.0 * cover, 2.2 - 2.0 * cover, clouds) * smoothstep(0.0, 0.15, elev)
    sky = sky + (_t(_CLOUD[kind]) - sky) * density.unsqueeze(1) * 0.9
    if kind == "night":
        stars = smoothstep(3.0, 3.6, spectral(g, n, h, w, 50, 128, beta=0.0)) * smoothstep(0.02, 0.1, elev)
        sky = sky + stars.unsqueeze(1)
    if kind in ("clear day", "sunset"):
        sun_u = torch.rand(n, 1, 1, generator=g)
        sun_e = 0.5 if kind == "clear day" else 0.06
        du = torch.remainder(u - sun_u + 0.5, 1.0) - 0.5
        d = torch.sqrt((du * 2) ** 2 + (elev - sun_e) ** 2)
        glow = torch.exp(-d * (8 if kind == "clear day" else 4)) * (0.35 if kind == "clear day" else 0.5)
        disc = 1 - smoothstep(0.025, 0.035, d)
        sky = sky + ((glow + disc) * (1 - density * 0.8)).unsqueeze(1) * torch.tensor([1.0, 0.9, 0.7]).view(1, 3, 1, 1)
    ground = _t(_GROUND[kind]) * (0.85 + 0.1 * spectral(g, n, h, w, 4, 40)).unsqueeze(1)
    horizon = torch.zeros(n, 1, w)
    ridge = spectral(g, n, 8, w, 1.5, 12, beta=1.4)[:, :1, :] * 0.09 + 0.12
    horizon = torch.where(mountains.view(-1, 1, 1), ridge, horizon).expand(n, h, w)
    land = smoothstep(-0.004, 0.004, horizon - elev)
    mountain_col = _t(_GROUND[kind]) * 0.7 + _t(_HORIZON[kind]) * 0.25
    ground = torch.where((elev > 0).unsqueeze(1), mountain_col.expand_as(ground), ground)
    return (sky + (ground - sky) * land.unsqueeze(1)).clamp(0, 1)
