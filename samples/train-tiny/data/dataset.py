"""Seeded batches of captioned procedural images: materials (square) and skies (2:1)."""
import random
import torch

from . import materials, skies
from .palette import rgb, TONES
import captions as cap


# Colour words any family may take under colour_mix (the wood and metal names stay with their families).
MIXABLE_COLOURS = ("red", "brown", "orange", "yellow", "tan", "beige", "white", "grey", "black", "green", "blue",
                   "teal", "pink", "purple", "terracotta", "slate")


def sample_material_specs(rng, n, family=None, colour_mix=0.0):
    """colour_mix: the share of specs whose colour comes from MIXABLE_COLOURS instead of the family's own
    palette, so that a colour word stops naming a family ("green" is otherwise only grass, moss, marble...)."""
    specs = []
    for _ in range(n):
        fi = rng.randrange(len(materials.FAMILIES)) if family is None else family
        fam = materials.FAMILIES[fi][0]
        colours = MIXABLE_COLOURS if colour_mix and rng.random() < colour_mix else fam.colours
        r = rng.random()
        tone = TONES[0] if r < 0.2 else TONES[1] if r < 0.4 else None
        scale = rng.choice((None, None, "small", "large"))

        def amount(supported):
            return rng.uniform(0.6, 1.0) if supported and rng.random() < 0.35 else 0.0
        specs.append(cap.MaterialSpec(fi, rng.choice(colours), tone, scale,
                                      amount(fam.wear), amount(fam.moss), amount(fam.wet)))
    return specs


def render_specs(gen, specs, size, jitter=True):
    """Render specs (grouped by family and scale for vectorised renderers) -> [n, 3, size, size]."""
    out = torch.empty(len(specs), 3, size, size)
    groups = {}
    for i, s in enumerate(specs):
        groups.setdefault((s.family, s.scale), []).append(i)
    for (fi, scale), idx in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1] or "")):
        sp = [specs[i] for i in idx]
        col = torch.stack([rgb(s.colour, s.tone) for s in sp])
        if jitter:
            col = (col * (1 + 0.08 * (torch.rand(len(sp), 3, generator=gen) - 0.5))).clamp(0, 1)
        t = lambda key: torch.tensor([getattr(s, key) for s in sp], dtype=torch.float32)
        out[idx] = materials.render(gen, fi, size, size, col, t("wear"), t("moss"), t("wet"),
                                    cap.SCALE_WORDS.get(scale, 1.0))
    return out


def material_batch(seed, n, size, colour_drop=0.15):
    """(images in [0,1], captions, family labels) for a seeded batch; never emits a held-out prompt."""
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    specs = sample_material_specs(rng, n)
    texts = [training_caption(s, rng, colour_drop) for s in specs]
    return render_specs(gen, specs, size), texts, [s.family for s in specs]


def training_caption(spec, rng, colour_drop=0.15):
    """A caption for spec that is never one of the held-out evaluation prompts."""
    while True:
        t = cap.material_caption(spec, rng, rng.random() >= colour_drop)
        if t not in cap.HELD_OUT:
            return t


def sky_batch(seed, n, height):
    rng = random.Random(seed)
    gen = torch.Generator().manual_seed(seed)
    kinds = [rng.choice(skies.KINDS) for _ in range(n)]
    mountains = [rng.random() < 0.5 for _ in range(n)]
    out = torch.empty(n, 3, height, 2 * height)
    for k in skies.KINDS:
        idx = [i for i in range(n) if kinds[i] == k]
        if idx:
            out[idx] = skies.render(gen, k, len(idx), height, 2 * height, torch.tensor([mountains[i] for i in idx]))
    texts = [training_sky_caption(k, m, rng) for k, m in zip(kinds, mountains)]
    return out, texts, list(zip(kinds, mountains))


def training_sky_caption(kind, mountains, rng):
    while True:
        t = cap.sky_caption(kind, mountains, rng)
        if t not in cap.HELD_OUT:
            return t
