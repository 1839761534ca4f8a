"""Byte-level BPE in CLIP's format: learn merges from captions, write vocab.json + merges.txt,
and tokenize exactly as CLIPTokenizer does (lower-case, regex split, bytes -> unicode symbols,
'</w>' on a word's last symbol, merges by rank, <|startoftext|> ... <|endoftext|>, padded to 77)."""
import collections
import json
import re

SOT, EOT = "<|startoftext|>", "<|endoftext|>"
MAX_LEN = 77
# CLIP's pre-tokenizer in what `re` can express: letters, single digits, runs of anything else
# (CLIP's [^\s\p{L}\p{N}]+, which takes '_' with the punctuation around it).
_SPLIT = re.compile(r"<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[^\W\d_]+|\d|(?:[^\s\w]|_)+", re.IGNORECASE)


def bytes_to_unicode():
    """CLIP/GPT-2's reversible byte -> printable unicode character table."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    extra = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + extra)
            extra += 1
    return dict(zip(bs, map(chr, cs)))


BYTE_ENCODER = bytes_to_unicode()


def _symbols(word):
    chars = [BYTE_ENCODER[b] for b in word.encode("utf-8")]
    return tuple(chars[:-1]) + (chars[-1] + "</w>",)


def _words(text):
    return _SPLIT.findall(" ".join(text.lower().split()))


def learn(texts, max_merges=4000):
    """Merges learnt from the words of some texts (see learn_counts)."""
    return learn_counts(collections.Counter(w for t in texts for w in _words(t)), max_merges)


def learn_counts(word_counts, max_merges, min_count=1):
    """Greedy BPE over {word: count}: merge the most frequent adjacent pair (ties broken by the
    pair itself) until every word is a single symbol, max_merges is reached or the best pair
    occurs fewer than min_count times."""
    words = {_symbols(w): c for w, c in word_counts.items()}
    merges = []
    while len(merges) < max_merges:
        pairs = collections.Counter()
        for sym, c in words.items():
            for a, b in zip(sym, sym[1:]):
                pairs[(a, b)] += c
        if not pairs:
            break
        best, count = min(pairs.items(), key=lambda kv: (-kv[1], kv[0]))
        if count < min_count:
            break
        merges.append(best)
        merged = {}
        for sym, c in words.items():
            out, i = [], 0
            while i < len(sym):
                if i + 1 < len(sym) and (sym[i], sym[i + 1]) == best:
                    out.append(sym[i] + sym[i + 1])
                    i += 2
                else:
                    out.append(sym[i])
                    i += 1
            merged[tuple(out)] = merged.get(tuple(out), 0) + c
        words = merged
    return merges


class Tokenizer:
    def __init__(self, merges):
        base = list(BYTE_ENCODER.values())
        vocab = base + [b + "</w>" for b in base] + ["".join(m) for m in merges] + [SOT, EOT]
        self.vocab = {tok: i for i, tok in enumerate(vocab)}
        assert len(self.vocab) == len(vocab), "duplicate vocabulary entry"
        self.merges = list(merges)
        self.ranks = {m: i for i, m in enumerate(merges)}
        self.sot, self.eot = self.vocab[SOT], self.vocab[EOT]
        self._cache = {}

    def _bpe(self, word):
        if word in self._cache:
            return self._cache[word]
        sym = list(_symbols(word))
        while len(sym) > 1:
            pairs = [(self.ranks.get((a, b), 1 << 30), i) for i, (a, b) in enumerate(zip(sym, sym[1:]))]
            rank, i = min(pairs)
            if rank == 1 << 30:
                break
            first, second = sym[i], sym[i + 1]
            out, j = [], 0
            while j < len(sym):
                if j + 1 < len(sym) and sym[j] == first and sym[j + 1] == second:
                    out.append(first + second)
                    j += 2
                else:
                    out.append(sym[j])
                    j += 1
            sym = out
        ids = [self.vocab[s] for s in sym]
        self._cache[word] = ids
        return ids

    def encode(self, text, pad_id=None):
        """Token ids padded to 77 (with <|endoftext|> unless the model pads with another token,
        as SD 2's tokenizer does with "!"), as SD pipelines feed the text encoder."""
        ids = [self.sot]
        for w in _words(text):
            ids += self._bpe(w)
        ids = ids[:MAX_LEN - 1] + [self.eot]
        return ids + [self.eot if pad_id is None else pad_id] * (MAX_LEN - len(ids))

    def save(self, folder):
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "vocab.json").write_text(json.dumps(self.vocab, ensure_ascii=False), encoding="utf-8")
        lines = ["#version: 0.2"] + [f"{a} {b}" for a, b in self.merges]
        (folder / "merges.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        (folder / "special_tokens_map.json").write_text(json.dumps({
            "bos_token": SOT, "eos_token": EOT, "pad_token": EOT, "unk_token": EOT}, indent=2))
        (folder / "tokenizer_config.json").write_text(json.dumps({
            "tokenizer_class": "CLIPTokenizer", "model_max_length": MAX_LEN, "do_lower_case": True,
            "bos_token": SOT, "eos_token": EOT, "pad_token": EOT, "unk_token": EOT,
            "add_prefix_space": False, "errors": "replace"}, indent=2))

    @classmethod
    def load(cls, folder):
        lines = (folder / "merges.txt").read_text(encoding="utf-8").splitlines()[1:]
        return cls([tuple(l.split(" ")) for l in lines if l])
