"""Caption grammar: material and sky parameters -> English captions.

Training captions and the held-out evaluation prompts come from the same grammar; the
training sampler skips every evaluation prompt verbatim, so evaluation sees only prompts the
model was never trained on.
"""
from dataclasses import dataclass
import random

from data.materials import FAMILIES
from data.skies import PHRASES, KINDS

SCALE_WORDS = {"small": 0.67, "large": 1.5}
WEAR_WORDS = ("weathered", "worn", "old")
SUFFIXES = ("", " texture", " seamless texture", ", seamless", " tileable texture")
SKY_SUFFIXES = ("", " backdrop", " panorama")


@dataclass
class MaterialSpec:
    family: int
    colour: str
    tone: str | None
    scale: str | None
    wear: float
    moss: float
    wet: float


def material_caption(spec, rng, show_colour=True):
    fam = FAMILIES[spec.family][0]
    mods = []
    if spec.scale:
        mods.append(spec.scale)
    if spec.wear > 0:
        mods.append(rng.choice(WEAR_WORDS))
    if spec.moss > 0:
        mods.append("mossy")
    if spec.wet > 0:
        mods.append("wet")
    rng.shuffle(mods)
    colour = ([spec.tone] if spec.tone else []) + [spec.colour] if show_colour else []
    words = colour + mods if rng.random() < 0.5 else mods + colour
    return " ".join(words + [rng.choice(fam.nouns)]) + rng.choice(SUFFIXES)


def sky_caption(kind, mountains, rng):
    text = rng.choice(PHRASES[kind])
    if mountains:
        text += rng.choice((" with mountains", " over mountains"))
    return text + rng.choice(SKY_SUFFIXES)


def _fam(name):
    return next(i for i, (f, _) in enumerate(FAMILIES) if f.name == name)


# (prompt, family, tone, colour, wear, moss, wet): one held-out prompt per family
EVAL_MATERIALS = (
    ("dark red weathered bricks", "bricks", "dark", "red", 1, 0, 0),
    ("mossy grey cobblestone", "cobblestone", None, "grey", 0, 1, 0),
    ("light oak planks", "wood planks", "light", "oak", 0, 0, 0),
    ("dark brown tree bark", "tree bark", "dark", "brown", 0, 0, 0),
    ("white marble seamless texture", "marble", None, "white", 0, 0, 0),
    ("pink granite", "granite", None, "pink", 0, 0, 0),
    ("wet tan sand", "sand", None, "tan", 0, 0, 1),
    ("green grass texture", "grass", None, "green", 0, 0, 0),
    ("green moss", "moss", None, "green", 0, 0, 0),
    ("brown dirt", "dirt", None, "brown", 0, 0, 0),
    ("grey gravel", "gravel", None, "grey", 0, 0, 0),
    ("white snow", "snow", None, "white", 0, 0, 0),
    ("blue ice", "ice", None, "blue", 0, 0, 0),
    ("teal water", "water", None, "teal", 0, 0, 0),
    ("orange lava", "lava", None, "orange", 0, 0, 0),
    ("weathered orange rusted metal", "rusted metal", None, "orange", 1, 0, 0),
    ("gold brushed metal", "brushed metal", None, "gold", 0, 0, 0),
    ("blue woven fabric", "fabric", None, "blue", 0, 0, 0),
    ("black leather", "leather", None, "black", 0, 0, 0),
    ("white ceramic tiles", "ceramic tiles", None, "white", 0, 0, 0),
    ("terracotta roof tiles", "roof tiles", None, "terracotta", 0, 0, 0),
    ("grey concrete wall", "concrete", None, "grey", 0, 0, 0),
    ("black asphalt", "asphalt", None, "black", 0, 0, 0),
    ("red rock face", "rock", None, "red", 0, 0, 0),
)
EVAL_MATERIALS = tuple((p, _fam(f), t, c, w, m, we) for p, f, t, c, w, m, we in EVAL_MATERIALS)
EVAL_SKIES = (
    ("sunset sky over mountains", "sunset", True),
    ("starry night sky", "night", False),
    ("clear blue sky with mountains", "clear day", True),
    ("stormy sky", "storm", False),
    ("overcast sky over mountains", "overcast", True),
)
HELD_OUT = frozenset(p for p, *_ in EVAL_MATERIALS) | frozenset(p for p, *_ in EVAL_SKIES)


def validation_materials(per_family=2, seed=20261206):
    """Grammar captions (the training distribution, none of the held-out prompts), per_family per
    family, in EVAL_MATERIALS' form: sampling settings are chosen on these, so the evaluation
    prompts stay a test set."""
    from data.dataset import sample_material_specs
    rng = random.Random(seed)
    out = []
    for fi in range(len(FAMILIES)):
        n = 0
        while n < per_family:
            spec = sample_material_specs(rng, 1, family=fi)[0]
            spec.scale = None     # the reference renders use the default scale
            text = material_caption(spec, rng, True)
            if text in HELD_OUT or any(text == o[0] for o in out):
                continue
            out.append((text, fi, spec.tone, spec.colour, int(spec.wear > 0), int(spec.moss > 0), int(spec.wet > 0)))
            n += 1
    return tuple(out)


def all_words():
    """Every word the grammar can emit, for the tokenizer's training corpus."""
    from data.palette import COLOURS, TONES
    words = set(SCALE_WORDS) | set(WEAR_WORDS) | {"mossy", "wet", "with", "over", "mountains"}
    words |= set(COLOURS) | set(TONES)
    for fam, _ in FAMILIES:
        for noun in fam.nouns:
            words |= set(noun.split())
    for k in KINDS:
        for p in PHRASES[k]:
            words |= set(p.split())
    for s in SUFFIXES + SKY_SUFFIXES:
        words |= set(s.replace(",", " ").split())
    return sorted(words)


def corpus(n, seed):
    """n sample captions, for learning BPE merges with realistic word frequencies."""
    from data.dataset import sample_material_specs
    rng = random.Random(seed)
    out = []
    for spec in sample_material_specs(rng, n):
        out.append(material_caption(spec, rng, rng.random() < 0.85))
    for _ in range(n // 5):
        out.append(sky_caption(rng.choice(KINDS), rng.random() < 0.5, rng))
    return out
