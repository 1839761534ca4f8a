using System.Globalization;
using System.Text;

namespace Seedtex.Diffusion;

/// <summary>
/// Decodes HTML character references the way Python's <c>html.unescape</c> does (HTML5 rules), because CLIP
/// runs every prompt through it twice and "&amp;amp;" must give the same tokens here as there. .NET's
/// WebUtility.HtmlDecode knows fewer names and treats malformed references differently.
/// </summary>
internal static class HtmlCharacterReferences
{
    // Longest name the HTML5 tokenizer looks at after '&' (Python's pattern caps it at 32 characters).
    private const int MaxNameLength = 32;

    // Numeric references to C1 controls mean the Windows-1252 character at that byte (HTML5 spec).
    private const string Windows1252Controls =
        "\u20AC\u0081\u201A\u0192\u201E\u2026\u2020\u2021\u02C6\u2030\u0160\u2039\u0152\u008D\u017D\u008F" +
        "\u0090\u2018\u2019\u201C\u201D\u2022\u2013\u2014\u02DC\u2122\u0161\u203A\u0153\u009D\u017E\u0178";

    private static readonly Lazy<Dictionary<string, string>> Names = new(ParseNames);

    public static string Decode(string text)
    {
        var amp = text.IndexOf('&', StringComparison.Ordinal);
        if (amp < 0)
            return text;

        var result = new StringBuilder(text.Length);
        result.Append(text, 0, amp);
        var i = amp;
        while (i < text.Length)
        {
            if (text[i] != '&')
            {
                result.Append(text[i]);
                i++;
                continue;
            }

            var consumed = i + 1 < text.Length && text[i + 1] == '#'
                ? DecodeNumeric(text, i, result)
                : DecodeNamed(text, i, result);
            if (consumed == 0)
            {
                result.Append('&');
                consumed = 1;
            }
            i += consumed;
        }
        return result.ToString();
    }

    // Returns how many characters of "&#…" were used, or 0 when no reference starts here.
    private static int DecodeNumeric(string text, int amp, StringBuilder result)
    {
        var start = amp + 2;
        var hex = start < text.Length && (text[start] == 'x' || text[start] == 'X');
        if (hex)
            start++;
        var end = start;
        long value = 0;
        while (end < text.Length && (hex ? char.IsAsciiHexDigit(text[end]) : char.IsAsciiDigit(text[end])))
        {
            // Saturate: anything past U+10FFFF decodes to U+FFFD whatever its exact value.
            value = Math.Min(value * (hex ? 16 : 10) + HexValue(text[end]), 0x110000);
            end++;
        }
        if (end == start)
            return 0;
        if (end < text.Length && text[end] == ';')
            end++;

        result.Append(CodePointText((int)value));
        return end - amp;
    }

    private static int HexValue(char c) => char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10;

    private static string CodePointText(int value) => value switch
    {
        0 => "\uFFFD",
        0x0D => "\r",
        >= 0x80 and <= 0x9F => Windows1252Controls[value - 0x80].ToString(),
        (>= 0xD800 and <= 0xDFFF) or > 0x10FFFF => "\uFFFD",
        (>= 0x01 and <= 0x08) or 0x0B or (>= 0x0E and <= 0x1F) or 0x7F or (>= 0xFDD0 and <= 0xFDEF) => "",
        _ when (value & 0xFFFE) == 0xFFFE => "",
        _ => char.ConvertFromUtf32(value),
    };

    private static int DecodeNamed(string text, int amp, StringBuilder result)
    {
        var end = amp + 1;
        var codePoints = 0;
        while (end < text.Length && codePoints < MaxNameLength && !EndsName(text[end]))
        {
            end += char.IsSurrogatePair(text, end) ? 2 : 1;
            codePoints++;
        }
        if (codePoints == 0)
            return 0;
        if (end < text.Length && text[end] == ';')
            end++;

        var name = text.AsSpan(amp + 1, end - amp - 1);
        var names = Names.Value.GetAlternateLookup<ReadOnlySpan<char>>();
        if (names.TryGetValue(name, out var value))
        {
            result.Append(value);
            return end - amp;
        }
        // Legacy names may be followed directly by other text ("&notit;" is "¬it;"): the longest known prefix wins.
        for (var length = name.Length - 1; length > 1; length--)
        {
            if (names.TryGetValue(name[..length], out value))
            {
                result.Append(value).Append(name[length..]);
                return end - amp;
            }
        }
        return 0;
    }

    private static bool EndsName(char c) => c is '\t' or '\n' or '\f' or ' ' or '<' or '&' or '#' or ';';

    private static Dictionary<string, string> ParseNames()
    {
        var names = new Dictionary<string, string>(2300, StringComparer.Ordinal);
        foreach (var line in HtmlEntityTable.Entries.Split('\n'))
        {
            var parts = line.Split(' ');
            var value = new StringBuilder(2);
            foreach (var codePoint in parts.AsSpan(1))
                value.Append(char.ConvertFromUtf32(int.Parse(codePoint, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
            names[parts[0]] = value.ToString();
        }
        return names;
    }
}
