#!/usr/bin/env -S /usr/bin/python3
"""CLIP's byte-level BPE, written out plainly as a reference for Seedtex's C# ClipTokenizer.

Run with Debian's /usr/bin/python3; it needs the `regex` module (apt-get install python3-regex)
for CLIP's \\p{L} / \\p{N} pre-tokenizer pattern. Nothing here downloads anything.

What it offers (other scripts import it, e.g. tests/models/make_test_models.py):
  learn_vocab(corpus, merges_count) -> (vocab, merges)   a small CLIP-format vocabulary
  write_tokenizer(folder, vocab, merges, pad_token=None, model_max_length=77)
  load_tokenizer(folder) -> ClipBpe                       reads a diffusers tokenizer/ folder
  ClipBpe(vocab, merges).encode(text) -> [ids]            BPE ids, no start/end tokens
  encode(text, vocab, merges)                             the same, one-shot
  clean_text(text, fix_text=True)                         CLIP's text cleanup, as Seedtex does it

The algorithm is the published one (OpenAI CLIP simple_tokenizer, HF CLIPTokenizer "slow"):
clean (ftfy subset, HTML unescape twice, whitespace collapse, lowercase), split with CLIP's
pattern, map each word's UTF-8 bytes through GPT-2's bytes_to_unicode, give the last symbol
"</w>", then repeatedly merge the adjacent pair with the lowest merge rank (all its
occurrences, left to right) until no ranked pair is left.

ftfy is not available here, so fix_text=True applies only the part of ftfy.fix_text that
changes tokens for ordinary prompts: Latin ligatures (U+FB00..U+FB06) spelled out, fullwidth
ASCII (U+FF01..U+FF5E) and the ideographic space narrowed, curly quotes straightened. Mojibake
repair is not attempted, and neither is ftfy's NFC step (.NET's invariant-globalization mode,
which Seedtex builds with, has no Unicode normalization). The C# side does exactly the same.
"""

import html
import json
import os
from collections import Counter

import regex

START_TOKEN = "<|startoftext|>"
END_TOKEN = "<|endoftext|>"
WORD_END = "</w>"

# CLIP's pre-tokenizer. IGNORECASE matters only for the contractions ("'ſ" folds to "'s").
PATTERN = regex.compile(
    r"""<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+""",
    regex.IGNORECASE,
)

_LIGATURES = {0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl", 0xFB05: "ſt", 0xFB06: "st"}
_SINGLE_QUOTES = "\u02bc\u2018\u2019\u201a\u201b"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f"


def bytes_to_unicode():
    """GPT-2's table: every byte gets a printable, non-space character.

    Printable Latin-1 bytes keep their own character; the other 68 bytes are given
    U+0100 onwards in byte order. Returned in CLIP's order (printables first).
    """
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    table = {b: chr(b) for b in printable}
    extra = 0
    for b in range(256):
        if b not in table:
            table[b] = chr(256 + extra)
            extra += 1
    return table


BYTE_TO_CHAR = bytes_to_unicode()


def fix_text_subset(text):
    out = []
    for ch in text:
        cp = ord(ch)
        if cp in _LIGATURES:
            out.append(_LIGATURES[cp])
        elif 0xFF01 <= cp <= 0xFF5E:
            out.append(chr(cp - 0xFEE0))
        elif cp == 0x3000:
            out.append(" ")
        elif ch in _SINGLE_QUOTES:
            out.append("'")
        elif ch in _DOUBLE_QUOTES:
            out.append('"')
        else:
            out.append(ch)
    return "".join(out)


def clean_text(text, fix_text=True):
    """CLIP's basic_clean + whitespace_clean + lower()."""
    if fix_text:
        text = fix_text_subset(text)
    text = html.unescape(html.unescape(text)).strip()
    text = " ".join(text.split())  # str.split() splits on exactly what re's \s matches
    return text.lower()


def pre_tokenize(cleaned):
    return PATTERN.findall(cleaned)


def word_symbols(word):
    """A word's initial BPE symbols: one per UTF-8 byte, the last one marked as a word end."""
    chars = [BYTE_TO_CHAR[b] for b in word.encode("utf-8")]
    chars[-1] += WORD_END
    return chars


def _merge_pair(symbols, first, second):
    merged = []
    i = 0
    while i < len(symbols):
        if i + 1 < len(symbols) and symbols[i] == first and symbols[i + 1] == second:
            merged.append(first + second)
            i += 2
        else:
            merged.append(symbols[i])
            i += 1
    return merged


class ClipBpe:
    def __init__(self, vocab, merges, fix_text=True):
        self.vocab = dict(vocab)
        # dict() keeps the last rank of a duplicated merge, as CLIP and HF do.
        self.ranks = dict(zip((tuple(m) for m in merges), range(len(merges))))
        self.fix_text = fix_text
        self.unk_id = self.vocab[END_TOKEN]  # HF's CLIPTokenizer uses <|endoftext|> as unk
        self.cache = {START_TOKEN: [self.vocab[START_TOKEN]], END_TOKEN: [self.vocab[END_TOKEN]]}

    def bpe(self, word):
        symbols = word_symbols(word)
        while len(symbols) > 1:
            pairs = set(zip(symbols, symbols[1:]))
            ranked = [p for p in pairs if p in self.ranks]
            if not ranked:
                break
            best = min(ranked, key=lambda p: self.ranks[p])
            symbols = _merge_pair(symbols, best[0], best[1])
        return symbols

    def encode_word(self, word):
        if word not in self.cache:
            self.cache[word] = [self.vocab.get(s, self.unk_id) for s in self.bpe(word)]
        return self.cache[word]

    def encode(self, text):
        ids = []
        for word in pre_tokenize(clean_text(text, self.fix_text)):
            ids.extend(self.encode_word(word))
        return ids


def encode(text, vocab, merges, fix_text=True):
    return ClipBpe(vocab, merges, fix_text).encode(text)


def learn_vocab(corpus, merges_count):
    """Learn a CLIP-format vocabulary from text.

    corpus: a string or an iterable of strings. Returns (vocab, merges): vocab maps token -> id in
    CLIP's order (256 byte symbols, the same 256 with "</w>", one token per merge, then
    <|startoftext|> and <|endoftext|>); merges is a list of (first, second) pairs, rank = index.
    Each step merges the most frequent adjacent pair (ties: the smaller pair as strings), skipping
    pairs whose joined string is already a token so that ids stay in CLIP's layout. Stops early
    when no pair occurs at least twice.
    """
    if isinstance(corpus, str):
        corpus = [corpus]
    word_counts = Counter()
    for text in corpus:
        for word in pre_tokenize(clean_text(text)):
            if word not in (START_TOKEN, END_TOKEN):
                word_counts[tuple(word_symbols(word))] += 1

    byte_chars = list(BYTE_TO_CHAR.values())
    tokens = byte_chars + [c + WORD_END for c in byte_chars]
    known = set(tokens)
    merges = []
    words = [list(symbols) for symbols in word_counts]
    counts = list(word_counts.values())
    pair_counts = Counter()
    for symbols, count in zip(words, counts):
        for pair in zip(symbols, symbols[1:]):
            pair_counts[pair] += count
    while len(merges) < merges_count:
        candidates = [(-n, p) for p, n in pair_counts.items() if n >= 2 and p[0] + p[1] not in known]
        if not candidates:
            break
        _, best = min(candidates)
        merges.append(best)
        tokens.append(best[0] + best[1])
        known.add(best[0] + best[1])
        # Only words holding the pair change; move their pair counts from the old symbols to the new.
        for index, symbols in enumerate(words):
            if best not in zip(symbols, symbols[1:]):
                continue
            count = counts[index]
            for pair in zip(symbols, symbols[1:]):
                pair_counts[pair] -= count
            symbols = _merge_pair(symbols, best[0], best[1])
            for pair in zip(symbols, symbols[1:]):
                pair_counts[pair] += count
            words[index] = symbols
        pair_counts = +pair_counts  # drop pairs that no longer occur

    tokens += [START_TOKEN, END_TOKEN]
    return {t: i for i, t in enumerate(tokens)}, merges


def write_tokenizer(folder, vocab, merges, pad_token=None, model_max_length=77):
    """Write a diffusers/HF-style tokenizer folder: vocab.json, merges.txt (with the
    "#version: 0.2" header), special_tokens_map.json and tokenizer_config.json.
    pad_token None means <|endoftext|> (SD 1.x); SD 2.x uses "!"."""
    os.makedirs(folder, exist_ok=True)
    pad = pad_token if pad_token is not None else END_TOKEN
    if pad not in vocab:
        raise ValueError(f"pad token {pad!r} is not in the vocabulary")
    with open(os.path.join(folder, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(folder, "merges.txt"), "w", encoding="utf-8") as f:
        f.write("#version: 0.2\n")
        for first, second in merges:
            f.write(f"{first} {second}\n")
    special = {"bos_token": START_TOKEN, "eos_token": END_TOKEN, "unk_token": END_TOKEN, "pad_token": pad}
    with open(os.path.join(folder, "special_tokens_map.json"), "w", encoding="utf-8") as f:
        json.dump(special, f, indent=2, ensure_ascii=False)
        f.write("\n")
    config = dict(special, model_max_length=model_max_length, do_lower_case=True, tokenizer_class="CLIPTokenizer")
    with open(os.path.join(folder, "tokenizer_config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2, ensure_ascii=False)
        f.write("\n")


def read_merges(path):
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    if lines and lines[0].startswith("#version"):
        lines = lines[1:]
    return [tuple(line.split(" ")) for line in lines if line]


def load_tokenizer(folder, fix_text=True):
    with open(os.path.join(folder, "vocab.json"), encoding="utf-8") as f:
        vocab = json.load(f)
    return ClipBpe(vocab, read_merges(os.path.join(folder, "merges.txt")), fix_text)


if __name__ == "__main__":
    import sys

    bpe = load_tokenizer(sys.argv[1])
    for line in sys.argv[2:]:
        print(line, bpe.encode(line))
