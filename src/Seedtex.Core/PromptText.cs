using System.Text;

namespace Seedtex.Core;

/// <summary>The form a prompt takes inside a cache key: Unicode NFC, whitespace runs collapsed to one space, trimmed.</summary>
public static class PromptText
{
    /// <summary>
    /// Normalises a prompt so that text a person reads as the same prompt gives the same key: composed and
    /// decomposed accents agree (NFC), and tabs, newlines and double spaces do not matter.
    /// </summary>
    public static string Normalize(string prompt)
    {
        string composed = UnicodeNfc.Normalize(prompt);
        var builder = new StringBuilder(composed.Length);
        bool pendingSpace = false;
        foreach (char c in composed)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }
            if (pendingSpace)
                builder.Append(' ');
            pendingSpace = false;
            builder.Append(c);
        }
        return builder.ToString();
    }
}
