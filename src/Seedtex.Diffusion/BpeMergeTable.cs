using Seedtex.Core;

namespace Seedtex.Diffusion;

/// <summary>
/// merges.txt as a lookup: every symbol string gets a small integer, and each ranked pair of symbols maps to
/// (rank, merged symbol). Words are merged as integer arrays, so the hot loop does one dictionary probe
/// per adjacent pair and never builds strings.
/// </summary>
internal sealed class BpeMergeTable
{
    private const string WordEnd = "</w>";

    private readonly Dictionary<string, int> _symbolIds;
    private readonly List<string> _symbols;
    private readonly Dictionary<long, MergeRule> _rules;
    private readonly int[] _byteSymbols = new int[256];
    private readonly int[] _lastByteSymbols = new int[256];

    private readonly record struct MergeRule(int Rank, int Merged);

    private BpeMergeTable(int capacity)
    {
        _rules = new Dictionary<long, MergeRule>(capacity, PairKeyComparer.Instance);
        _symbolIds = new Dictionary<string, int>(capacity + 512, StringComparer.Ordinal);
        _symbols = new List<string>(capacity + 512);
        for (var b = 0; b < 256; b++)
        {
            _byteSymbols[b] = Intern([ByteLevelAlphabet.ByteToChar[b]]);
            _lastByteSymbols[b] = Intern(ByteLevelAlphabet.ByteToChar[b] + WordEnd);
        }
    }

    /// <summary>Every symbol this table can produce, indexed by symbol number.</summary>
    public IReadOnlyList<string> Symbols => _symbols;

    public int MergeCount { get; private set; }

    /// <summary>
    /// Reads merges.txt: an optional "#version" first line, then one "first second" pair a line, rank = order.
    /// Every line present is used (CLIP's own code cuts its 262k-line file to 48894; shipped files already are).
    /// A pair listed twice keeps its later rank, as CLIP's dict() does.
    /// </summary>
    public static BpeMergeTable Parse(string mergesText, string sourceName)
    {
        var text = mergesText.AsSpan().TrimStart('\uFEFF');
        var table = new BpeMergeTable(text.Count('\n') + 1);
        Span<char> joined = stackalloc char[256];
        var lineNumber = 0;
        while (!text.IsEmpty)
        {
            lineNumber++;
            var end = text.IndexOf('\n');
            var line = (end < 0 ? text : text[..end]).TrimEnd('\r');
            text = end < 0 ? [] : text[(end + 1)..];
            if (line.IsEmpty || (lineNumber == 1 && line.StartsWith("#version", StringComparison.Ordinal)))
                continue;

            var space = line.IndexOf(' ');
            if (space <= 0 || space == line.Length - 1 || line[(space + 1)..].Contains(' '))
            {
                throw SeedtexException.Model(
                    $"{sourceName} line {lineNumber} is not a merge ('first second'): \"{line}\". Use the merges.txt that came with the model's vocab.json.");
            }
            var firstText = line[..space];
            var secondText = line[(space + 1)..];
            var first = table.Intern(firstText);
            var second = table.Intern(secondText);
            int merged;
            if (line.Length - 1 <= joined.Length)
            {
                firstText.CopyTo(joined);
                secondText.CopyTo(joined[firstText.Length..]);
                merged = table.Intern(joined[..(line.Length - 1)]);
            }
            else
            {
                merged = table.Intern(string.Concat(firstText, secondText));
            }
            table._rules[PairKey(first, second)] = new MergeRule(table.MergeCount, merged);
            table.MergeCount++;
        }
        return table;
    }

    /// <summary>
    /// BPE-encodes one word given as UTF-8 bytes into symbol numbers: one symbol per byte, the last marked
    /// as the word's end, then the lowest-ranked adjacent pair is merged everywhere (left to right, without
    /// overlap) until no ranked pair remains. Returns how many symbols of <paramref name="symbols"/> are used;
    /// it must be at least as long as <paramref name="word"/>.
    /// </summary>
    public int Encode(ReadOnlySpan<byte> word, Span<int> symbols)
    {
        var count = word.Length;
        for (var i = 0; i < count - 1; i++)
            symbols[i] = _byteSymbols[word[i]];
        symbols[count - 1] = _lastByteSymbols[word[count - 1]];

        while (count > 1)
        {
            var bestRank = int.MaxValue;
            var best = default(MergeRule);
            int first = 0, second = 0;
            for (var i = 0; i < count - 1; i++)
            {
                if (_rules.TryGetValue(PairKey(symbols[i], symbols[i + 1]), out var rule) && rule.Rank < bestRank)
                {
                    bestRank = rule.Rank;
                    best = rule;
                    first = symbols[i];
                    second = symbols[i + 1];
                }
            }
            if (bestRank == int.MaxValue)
                break;

            var kept = 0;
            for (var i = 0; i < count; kept++)
            {
                if (i + 1 < count && symbols[i] == first && symbols[i + 1] == second)
                {
                    symbols[kept] = best.Merged;
                    i += 2;
                }
                else
                {
                    symbols[kept] = symbols[i];
                    i++;
                }
            }
            count = kept;
        }
        return count;
    }

    private int Intern(ReadOnlySpan<char> symbol)
    {
        // Most symbols are already known: look them up by span and allocate a string only for new ones.
        var lookup = _symbolIds.GetAlternateLookup<ReadOnlySpan<char>>();
        if (!lookup.TryGetValue(symbol, out var id))
        {
            id = _symbols.Count;
            var text = symbol.ToString();
            _symbols.Add(text);
            _symbolIds.Add(text, id);
        }
        return id;
    }

    private static long PairKey(int first, int second) => ((long)first << 32) | (uint)second;

    // long.GetHashCode folds the halves with XOR, so pairs of nearby symbol numbers collide in long chains;
    // a multiplicative mix spreads them.
    private sealed class PairKeyComparer : IEqualityComparer<long>
    {
        public static readonly PairKeyComparer Instance = new();

        public bool Equals(long x, long y) => x == y;

        public int GetHashCode(long key) => (int)(((ulong)key * 0x9E3779B97F4A7C15UL) >> 32);
    }
}
