namespace Seedtex.Diffusion;

/// <summary>
/// GPT-2's bytes_to_unicode, which CLIP reuses: every byte value gets a visible, non-space character so
/// that BPE symbols and merges.txt lines never contain raw control bytes or spaces. Printable Latin-1
/// bytes stand for themselves; the other 68 bytes take U+0100 onwards in byte order.
/// </summary>
internal static class ByteLevelAlphabet
{
    public static readonly IReadOnlyList<char> ByteToChar = Build();

    private static char[] Build()
    {
        var table = new char[256];
        var next = 0x100;
        for (var b = 0; b < 256; b++)
        {
            var printable = b is (>= '!' and <= '~') or (>= 0xA1 and <= 0xAC) or (>= 0xAE and <= 0xFF);
            table[b] = printable ? (char)b : (char)next++;
        }
        return table;
    }
}
