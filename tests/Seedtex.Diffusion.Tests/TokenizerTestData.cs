using System.Text.Json;
using Seedtex.Diffusion;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>The tokenizer folders and expected ids that tests/reference/clip_bpe_reference.py made.</summary>
internal static class TokenizerTestData
{
    public static string ClipFolder => RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData", "tokenizer-clip");

    public static string SmallFolder => RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData", "tokenizer-small");

    private static readonly Lazy<ClipTokenizer> ClipTokenizer = new(() => Seedtex.Diffusion.ClipTokenizer.Load(ClipFolder));
    private static readonly Lazy<ClipTokenizer> SmallTokenizer = new(() => Seedtex.Diffusion.ClipTokenizer.Load(SmallFolder));

    public static ClipTokenizer Clip => ClipTokenizer.Value;

    public static ClipTokenizer Small => SmallTokenizer.Value;

    public sealed record Case(string Text, string Cleaned, int[] ClipIds, int[] SmallIds);

    public static readonly Lazy<IReadOnlyList<Case>> Cases = new(() =>
    {
        var path = RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData", "tokenizer_cases.json");
        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        return document.RootElement.GetProperty("cases").EnumerateArray()
            .Select(c => new Case(
                c.GetProperty("text").GetString()!,
                c.GetProperty("cleaned").GetString()!,
                c.GetProperty("clip").EnumerateArray().Select(e => e.GetInt32()).ToArray(),
                c.GetProperty("small").EnumerateArray().Select(e => e.GetInt32()).ToArray()))
            .ToList();
    });

    /// <summary>A scratch folder with copies of a tokenizer's files, removed on dispose.</summary>
    public sealed class ScratchFolder : IDisposable
    {
        public ScratchFolder(string? copyFrom = null)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "seedtex-tokenizer-" + Guid.NewGuid().ToString("N"));
            Directory.CreateDirectory(Path);
            if (copyFrom != null)
            {
                foreach (var file in Directory.GetFiles(copyFrom))
                    System.IO.File.Copy(file, System.IO.Path.Combine(Path, System.IO.Path.GetFileName(file)));
            }
        }

        public string Path { get; }

        public string FilePath(string name) => System.IO.Path.Combine(Path, name);

        public void Dispose() => Directory.Delete(Path, recursive: true);
    }
}
