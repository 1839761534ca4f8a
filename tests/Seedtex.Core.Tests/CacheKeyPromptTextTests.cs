using System.Text;
using Seedtex.Core;

namespace Seedtex.Core.Tests;

/// <summary>Holds Seedtex's table-driven NFC (used because the product runs without ICU) against ICU's.</summary>
public class CacheKeyPromptTextTests
{
    [Theory]
    [InlineData("cafe\u0301", "caf\u00e9")]
    [InlineData("\u1100\u1161\u11a8", "\uac01")] // Hangul jamo compose algorithmically
    [InlineData("a\u0323\u0302", "\u1ead")]        // marks reordered by combining class, then composed
    [InlineData("a\u0302\u0323", "\u1ead")]
    [InlineData("\u0958", "\u0915\u093c")]        // composition exclusion: stays decomposed
    [InlineData("\u212b", "\u00c5")]              // singleton (Angstrom sign) becomes the letter
    [InlineData(" tabs\tand\r\nlines  ", "tabs and lines")]
    [InlineData("\u3000ideographic\u3000space", "ideographic space")]
    [InlineData("", "")]
    public void Normalises_known_cases(string input, string expected) =>
        Assert.Equal(expected, PromptText.Normalize(input));

    [Fact]
    public void Every_bmp_character_and_its_decomposition_matches_icu()
    {
        var mismatches = new List<string>();
        for (int cp = 0xA0; cp <= 0xFFFF; cp++)
        {
            if (cp is >= 0xD800 and <= 0xDFFF || char.IsWhiteSpace((char)cp) || !IsStableAssigned(cp))
                continue;
            string s = ((char)cp).ToString();
            foreach (string input in new[] { s, s.Normalize(NormalizationForm.FormD), "a" + s + "\u0301" })
            {
                string expected = input.Normalize(NormalizationForm.FormC);
                string actual = PromptText.Normalize(input);
                if (expected != actual)
                    mismatches.Add($"U+{cp:X4}");
            }
        }
        Assert.Empty(mismatches.Distinct().Take(20));
    }

    [Fact]
    public void Random_mixes_of_letters_and_marks_match_icu()
    {
        int[] pool = [.. Enumerable.Range(0x41, 26), .. Enumerable.Range(0x300, 0x70), .. Enumerable.Range(0x1100, 0x13), .. Enumerable.Range(0x1161, 0x15),
            .. Enumerable.Range(0x11A8, 0x1B), 0xAC00, 0xAC01, 0x391, 0x3B1, 0x3C9, 0x345, 0x5D0, 0x5B4, 0x93C, 0x915, 0x1E36, 0x0F71, 0x0F72, 0x0F80, 0x3099, 0x304B, 0x30AB];
        var random = new Random(20261124);
        var builder = new StringBuilder();
        for (int n = 0; n < 5000; n++)
        {
            builder.Clear();
            int length = random.Next(1, 12);
            for (int i = 0; i < length; i++)
                builder.Append((char)pool[random.Next(pool.Length)]);
            string input = builder.ToString();
            Assert.Equal(input.Normalize(NormalizationForm.FormC), PromptText.Normalize(input));
        }
    }

    // The tables come from Unicode 14 (Python 3.11); ICU here may know a later version. Characters assigned after
    // 14 have no entry in our tables, so compare only those .NET also considers assigned and ICU treats as stable.
    private static bool IsStableAssigned(int cp) =>
        char.GetUnicodeCategory((char)cp) != System.Globalization.UnicodeCategory.OtherNotAssigned;
}
