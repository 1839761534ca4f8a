"""Procedural, tileable material renderers: one function per family.

Each renderer takes a batch of per-image parameters and returns sRGB images in [0, 1],
shaped [n, 3, h, w]. Counts of bricks, cells, threads and waves are integers per image
width, and all noise comes from data.noise, so every image tiles exactly.
"""
from dataclasses import dataclass
import torch
from .noise import grid, spectral, cells, hash_rand, smoothstep, tau

TAU = tau()


@dataclass(frozen=True)
class Family:
    name: str
    nouns: tuple          # caption nouns; the first is the canonical one
    colours: tuple        # colour words this family is drawn in
    wear: bool = False    # takes "weathered"/"worn"
    moss: bool = False    # takes "mossy"
    wet: bool = False     # takes "wet"


def _c(col):
    return col.view(-1, 3, 1, 1)


def _m(t):
    return t.unsqueeze(1)


def _mix(a, b, t):
    return a + (b - a) * _m(t)


def _count(base, scale, size):
    """Integer repeat count across `size` pixels for a feature `base` times per 128 px."""
    return max(1, int(round(base / scale * size / 128)))


def _per(p, key):
    return p[key].view(-1, 1, 1)


def bricks(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    rows = _count(6, s, h)
    rows += rows % 2
    cols = max(1, int(round(w / (2.2 * h / rows))))
    y = v * rows
    row = torch.floor(y)
    x = u * cols + 0.5 * torch.remainder(row, 2)
    fx, fy = x - torch.floor(x), y - row
    bid = (row * cols + torch.remainder(torch.floor(x), cols)).long().view(n, -1)
    r = torch.gather(hash_rand(g, n, rows * cols), 1, bid).view(n, h, w)
    ratio = (w / cols) / (h / rows)
    jag = 0.03 * spectral(g, n, h, w, 8, 40)
    edge = torch.minimum(torch.minimum(fx, 1 - fx) * ratio, torch.minimum(fy, 1 - fy)) + jag
    brick = smoothstep(0.05, 0.11, edge)
    grain = spectral(g, n, h, w, 10, 50)
    chips = smoothstep(1.0, 2.0, spectral(g, n, h, w, 6, 30)) * _per(p, "wear")
    face = _c(col) * _m(0.8 + 0.35 * r + 0.07 * grain - 0.35 * chips)
    mortar = torch.tensor([0.68, 0.66, 0.62]).view(1, 3, 1, 1) * _m(0.9 + 0.06 * grain)
    return _mix(mortar, face, brick)


def cobblestone(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    k = _count(5, s, w)
    wu = u + 0.012 * spectral(g, n, h, w, 3, 12)
    wv = v + 0.012 * spectral(g, n, h, w, 3, 12)
    f1, f2, _, cr = cells(g, n, wu, wv, k, _count(5, s, h))
    stone = smoothstep(0.06, 0.2, f2 - f1)
    shade = 1.05 - 0.55 * f1 ** 2 + 0.05 * spectral(g, n, h, w, 10, 50)
    face = _c(col) * _m(shade * (0.75 + 0.45 * cr))
    gap = _c(col) * 0.25 + 0.05
    return _mix(gap.expand_as(face), face, stone)


def wood_planks(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    rows = _count(4, s, h)
    y = v * rows
    row = torch.floor(y)
    fy = y - row
    rr = torch.gather(hash_rand(g, n, rows), 1, row.long().view(n, -1)).view(n, h, w)
    cols = max(1, int(round(w / h * rows / 4)))
    x = u * cols + rr * 3.0
    fx = x - torch.floor(x)
    seam = smoothstep(0.0, 0.05, fy) * smoothstep(0.0, 0.05, 1 - fy)
    seam = seam * smoothstep(0.0, 0.01, fx) * smoothstep(0.0, 0.01, 1 - fx)
    grain = spectral(g, n, h, w, 3, 40, beta=0.8, stretch_x=10.0)
    rings = torch.sin(TAU * (y * 3 + 1.2 * grain))
    tone = 0.85 + 0.1 * rings + 0.08 * grain + 0.2 * (rr - 0.5) - 0.2 * _per(p, "wear") * (rr > 0.5)
    return _c(col) * _m(tone * (0.35 + 0.65 * seam))


def tree_bark(g, n, h, w, col, p, s):
    ridges = spectral(g, n, h, w, 3 / s, 24 / s, beta=1.0, stretch_y=7.0)
    ridge = 1 - ridges.abs().clamp(0, 2.5) / 2.5
    fine = spectral(g, n, h, w, 20, 60)
    tone = 0.25 + 0.95 * ridge ** 1.5 + 0.08 * fine
    return _c(col) * _m(tone)


def marble(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    ku, kv = _count(2, s, w), _count(1, s, h)
    turb = spectral(g, n, h, w, 2, 16, beta=1.2)
    t = torch.sin(TAU * (ku * u + kv * v) + 2.2 * turb)
    veins = (1 - t.abs()) ** 10
    cloud = spectral(g, n, h, w, 2, 10)
    base = _c(col) * _m(0.95 + 0.05 * cloud)
    vein = _c(col) * 0.35
    return _mix(base, vein.expand_as(base), veins * 0.85)


def granite(g, n, h, w, col, p, s):
    a = spectral(g, n, h, w, 12 / s, 48, beta=0.5)
    b = spectral(g, n, h, w, 12 / s, 48, beta=0.5)
    img = _c(col) * _m(0.95 + 0.08 * spectral(g, n, h, w, 2, 10))
    dark = torch.full_like(img, 0.1)
    light = torch.full_like(img, 0.9)
    img = _mix(img, dark, smoothstep(0.9, 1.3, a))
    return _mix(img, light, smoothstep(1.1, 1.5, b))


def sand(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    k = _count(7, s, h)
    warp = spectral(g, n, h, w, 1, 6, stretch_x=3.0)
    ripple = torch.sin(TAU * k * v + 1.5 * warp)
    grain = spectral(g, n, h, w, 30, 64, beta=0.0)
    return _c(col) * _m(0.9 + 0.09 * ripple + 0.05 * grain)


def grass(g, n, h, w, col, p, s):
    blades = spectral(g, n, h, w, 10 / s, 64, beta=0.3, stretch_y=6.0)
    patches = spectral(g, n, h, w, 2, 8)
    dry = torch.tensor([0.7, 0.65, 0.3]).view(1, 3, 1, 1)
    base = _mix(_c(col).expand(n, 3, h, w), dry.expand(n, 3, h, w), smoothstep(0.8, 2.0, patches) * 0.6)
    return base * _m(0.55 + 0.45 * smoothstep(-1.5, 1.5, blades) + 0.1 * patches)


def moss(g, n, h, w, col, p, s):
    lumps = spectral(g, n, h, w, 5 / s, 30, beta=1.4)
    fuzz = spectral(g, n, h, w, 30, 64, beta=0.0)
    return _c(col) * _m(0.65 + 0.3 * torch.tanh(lumps) + 0.08 * fuzz)


def dirt(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    low = spectral(g, n, h, w, 2, 16, beta=1.0)
    f1, f2, _, cr = cells(g, n, u, v, _count(14, s, w), _count(14, s, h))
    pebble = (1 - smoothstep(0.15, 0.3, f1)) * (cr > 0.75)
    img = _c(col) * _m(0.85 + 0.15 * low + 0.04 * spectral(g, n, h, w, 30, 64, beta=0.0))
    return _mix(img, (_c(col) * 1.3).clamp(0, 1).expand_as(img), pebble * 0.7)


def gravel(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    f1, f2, _, cr = cells(g, n, u, v, _count(13, s, w), _count(13, s, h))
    stone = smoothstep(0.05, 0.18, f2 - f1)
    face = _c(col) * _m((0.6 + 0.7 * cr) * (1.1 - 0.6 * f1 ** 2))
    return face * _m(0.25 + 0.75 * stone)


def snow(g, n, h, w, col, p, s):
    drifts = spectral(g, n, h, w, 1.5 / s, 12, beta=1.5)
    shadow = torch.tensor([0.72, 0.78, 0.92]).view(1, 3, 1, 1)
    img = _mix(_c(col).expand(n, 3, h, w), (_c(col) * shadow).expand(n, 3, h, w), smoothstep(0.0, 2.0, drifts))
    sparkle = smoothstep(2.6, 3.2, spectral(g, n, h, w, 40, 64, beta=0.0))
    return img + _m(sparkle * 0.3)


def ice(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    f1, f2, _, cr = cells(g, n, u, v, _count(4, s, w), _count(4, s, h))
    crack = 1 - smoothstep(0.0, 0.04, f2 - f1 + 0.01 * spectral(g, n, h, w, 10, 40))
    depth = spectral(g, n, h, w, 1.5, 10, beta=1.2)
    img = _c(col) * _m(0.85 + 0.1 * depth + 0.1 * cr)
    return _mix(img, torch.ones_like(img), crack * 0.7)


def water(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    wu = u + 0.02 * spectral(g, n, h, w, 2, 8)
    wv = v + 0.02 * spectral(g, n, h, w, 2, 8)
    f1, f2, _, _ = cells(g, n, wu, wv, _count(6, s, w), _count(6, s, h))
    lines = 1 - smoothstep(0.0, 0.12, f2 - f1)
    depth = spectral(g, n, h, w, 1.5, 8, beta=1.2)
    img = _c(col) * _m(0.75 + 0.15 * depth)
    return img + _m(0.45 * lines)


def lava(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    f1, f2, _, cr = cells(g, n, u, v, _count(5, s, w), _count(5, s, h))
    glow = 1 - smoothstep(0.0, 0.14, f2 - f1 + 0.04 * spectral(g, n, h, w, 6, 30))
    crust = torch.tensor([0.13, 0.11, 0.1]).view(1, 3, 1, 1) * _m(0.7 + 0.6 * cr)
    hot = (_c(col) * 1.2 + torch.tensor([0.15, 0.1, 0.0]).view(1, 3, 1, 1)).clamp(0, 1)
    return _mix(crust.expand(n, 3, h, w), hot.expand(n, 3, h, w), glow)


def rusted_metal(g, n, h, w, col, p, s):
    metal = torch.tensor([0.5, 0.52, 0.54]).view(1, 3, 1, 1)
    streak = spectral(g, n, h, w, 4, 40, beta=0.6, stretch_x=6.0)
    blot = spectral(g, n, h, w, 2 / s, 20, beta=1.2)
    amount = 0.6 - 0.9 * _per(p, "wear")
    mask = smoothstep(amount - 0.3, amount + 0.3, blot)
    rust = _c(col) * _m(0.8 + 0.3 * spectral(g, n, h, w, 20, 64, beta=0.2).clamp(-2, 2) * 0.5)
    return _mix(metal * _m(0.95 + 0.04 * streak), rust, mask)


def brushed_metal(g, n, h, w, col, p, s):
    streak = spectral(g, n, h, w, 8, 64, beta=0.2, stretch_x=24.0)
    sheen = spectral(g, n, h, w, 1, 3, beta=1.0, stretch_x=4.0)
    scratches = smoothstep(2.4, 3.0, spectral(g, n, h, w, 20, 64, beta=0.0, stretch_x=8.0)) * _per(p, "wear")
    return _c(col) * _m(0.92 + 0.06 * streak + 0.08 * sheen + 0.3 * scratches)


def fabric(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    tx, ty = _count(20, s, w), _count(20, s, h)
    over = torch.remainder(torch.floor(u * tx) + torch.floor(v * ty), 2)
    warp_p = torch.sin(TAU * tx * u).abs() ** 0.5
    weft_p = torch.sin(TAU * ty * v).abs() ** 0.5
    pattern = torch.where(over > 0, warp_p, weft_p)
    fuzz = spectral(g, n, h, w, 20, 64, beta=0.0)
    return _c(col) * _m(0.6 + 0.4 * pattern + 0.04 * fuzz)


def leather(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    f1, f2, _, _ = cells(g, n, u, v, _count(16, s, w), _count(16, s, h))
    crease = smoothstep(0.0, 0.2, f2 - f1)
    low = spectral(g, n, h, w, 1.5, 10, beta=1.0)
    return _c(col) * _m((0.75 + 0.3 * crease) * (0.93 + 0.07 * low - 0.1 * _per(p, "wear") * smoothstep(0.5, 1.5, low)))


def ceramic_tiles(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    k = _count(4, s, w)
    ky = _count(4, s, h)
    x, y = u * k, v * ky
    fx, fy = x - torch.floor(x), y - torch.floor(y)
    tid = (torch.floor(y) * k + torch.floor(x)).long().view(n, -1)
    r = torch.gather(hash_rand(g, n, k * ky), 1, tid).view(n, h, w)
    edge = torch.minimum(torch.minimum(fx, 1 - fx), torch.minimum(fy, 1 - fy))
    tile = smoothstep(0.02, 0.05, edge)
    gloss = 0.06 * (1 - fx - fy)
    face = _c(col) * _m(0.93 + 0.1 * r + gloss)
    grout = torch.tensor([0.75, 0.74, 0.7]).view(1, 3, 1, 1) * _m(1 - 0.3 * _per(p, "wear") * torch.ones_like(u))
    return _mix(grout.expand_as(face), face, tile)


def roof_tiles(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    rows = _count(6, s, h)
    rows += rows % 2
    y = v * rows
    row = torch.floor(y)
    fy = y - row
    cols = max(1, int(round(w / h * rows * 1.1)))
    x = u * cols + 0.5 * torch.remainder(row, 2)
    fx = x - torch.floor(x) - 0.5
    bottom = 0.75 + 0.25 * torch.sqrt((1 - (2 * fx) ** 2).clamp_min(0))
    shade = torch.where(fy < bottom, 0.65 + 0.4 * fy / bottom, torch.full_like(fy, 0.3))
    shade = shade * smoothstep(0.0, 0.06, 0.5 - fx.abs())
    tid = (row * cols + torch.remainder(torch.floor(x), cols)).long().view(n, -1)
    r = torch.gather(hash_rand(g, n, rows * cols), 1, tid).view(n, h, w)
    return _c(col) * _m(shade * (0.85 + 0.3 * r) + 0.04 * spectral(g, n, h, w, 20, 64))


def concrete(g, n, h, w, col, p, s):
    low = spectral(g, n, h, w, 1.5, 12, beta=1.2)
    pores = smoothstep(2.2, 2.8, -spectral(g, n, h, w, 30, 64, beta=0.0))
    stains = smoothstep(0.5, 2.0, spectral(g, n, h, w, 1.5, 8)) * _per(p, "wear")
    return _c(col) * _m(0.92 + 0.07 * low + 0.03 * spectral(g, n, h, w, 20, 64) - 0.4 * pores - 0.3 * stains)


def asphalt(g, n, h, w, col, p, s):
    agg = spectral(g, n, h, w, 24 / s, 64, beta=0.2)
    light = smoothstep(1.0, 1.8, agg)
    dark = smoothstep(1.0, 1.8, -agg)
    low = spectral(g, n, h, w, 1.5, 10)
    return _c(col) * _m(0.95 + 0.05 * low + 0.9 * light - 0.4 * dark)


def rock(g, n, h, w, col, p, s):
    u, v = grid(n, h, w)
    ridged = 1 - spectral(g, n, h, w, 2 / s, 40, beta=1.3).abs().clamp(0, 2) / 2
    f1, f2, _, cr = cells(g, n, u, v, _count(3, s, w), _count(3, s, h))
    crack = 1 - smoothstep(0.0, 0.05, f2 - f1 + 0.03 * spectral(g, n, h, w, 8, 40))
    tone = (0.45 + 0.6 * ridged + 0.15 * (cr - 0.5)) * (1 - 0.6 * crack)
    return _c(col) * _m(tone)


_STONE = ("grey", "brown", "tan", "slate", "beige")
FAMILIES = (
    (Family("bricks", ("bricks", "brick wall"), ("red", "brown", "orange", "grey", "white", "yellow"), True, True, True), bricks),
    (Family("cobblestone", ("cobblestone", "cobblestones"), _STONE, True, True, True), cobblestone),
    (Family("wood planks", ("wood planks", "wooden planks", "planks"), ("oak", "walnut", "pine", "mahogany", "grey"), True, True, True), wood_planks),
    (Family("tree bark", ("tree bark", "bark"), ("brown", "grey", "walnut", "tan"), False, True, True), tree_bark),
    (Family("marble", ("marble",), ("white", "black", "green", "pink", "grey", "beige"), True), marble),
    (Family("granite", ("granite",), ("pink", "grey", "black", "red", "beige"), False, False, True), granite),
    (Family("sand", ("sand", "sand dunes"), ("tan", "yellow", "beige", "white", "orange"), False, False, True), sand),
    (Family("grass", ("grass", "lawn"), ("green", "yellow"), False, False, True), grass),
    (Family("moss", ("moss",), ("green", "yellow", "brown"), False, False, True), moss),
    (Family("dirt", ("dirt", "soil"), ("brown", "red", "tan", "grey"), False, False, True), dirt),
    (Family("gravel", ("gravel",), ("grey", "brown", "tan", "beige", "slate"), False, False, True), gravel),
    (Family("snow", ("snow",), ("white", "blue"), False), snow),
    (Family("ice", ("ice",), ("blue", "white", "teal"), False), ice),
    (Family("water", ("water", "water surface"), ("blue", "teal", "green"), False), water),
    (Family("lava", ("lava", "molten lava"), ("orange", "red", "yellow"), False), lava),
    (Family("rusted metal", ("rusted metal", "rusty metal"), ("orange", "brown", "red"), True, False, True), rusted_metal),
    (Family("brushed metal", ("brushed metal", "brushed steel"), ("grey", "gold", "copper", "white"), True), brushed_metal),
    (Family("fabric", ("fabric", "woven fabric", "cloth"), ("red", "blue", "green", "grey", "purple", "yellow", "beige", "black"), True), fabric),
    (Family("leather", ("leather",), ("brown", "black", "red", "tan"), True, False, True), leather),
    (Family("ceramic tiles", ("ceramic tiles", "tiles"), ("white", "blue", "green", "black", "teal", "beige"), True, True, True), ceramic_tiles),
    (Family("roof tiles", ("roof tiles", "roof shingles"), ("terracotta", "red", "slate", "brown", "green"), True, True, True), roof_tiles),
    (Family("concrete", ("concrete", "concrete wall"), ("grey", "beige", "white"), True, True, True), concrete),
    (Family("asphalt", ("asphalt", "road asphalt"), ("black", "grey"), True, False, True), asphalt),
    (Family("rock", ("rock", "rock face"), ("grey", "brown", "red", "tan", "slate"), False, True, True), rock),
)
FAMILY_NAMES = tuple(f.name for f, _ in FAMILIES)


def _moss_overlay(g, img, amount):
    n, _, h, w = img.shape
    field = spectral(g, n, h, w, 2, 16, beta=1.2) - img.mean(1) * 2
    mask = smoothstep(1.2 - 2.6 * amount.view(-1, 1, 1), 2.2 - 2.6 * amount.view(-1, 1, 1), field + 1.0)
    green = torch.tensor([0.28, 0.42, 0.14]).view(1, 3, 1, 1) * _m(0.8 + 0.2 * spectral(g, n, h, w, 20, 64))
    return _mix(img, green, mask * (amount > 0).float().view(-1, 1, 1))


def render(g, family_index, h, w, col, wear, moss_amt, wet, scale):
    """Render one family for a batch; col is [n, 3] sRGB, wear/moss/wet are [n] in [0, 1]."""
    fam, fn = FAMILIES[family_index]
    n = col.shape[0]
    img = fn(g, n, h, w, col, {"wear": wear, "moss": moss_amt, "wet": wet}, scale)
    if fam.moss:
        img = _moss_overlay(g, img, moss_amt)
    if fam.wet:
        k = wet.view(-1, 1, 1, 1)
        img = img.clamp(0, 1) ** (1 + 0.5 * k) * (1 - 0.2 * k)
    return img.clamp(0, 1)
