using System.Collections.Concurrent;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>The tiny random-weight models under tests/models, each loaded once per test run.</summary>
public static class TestModels
{
    public static readonly string[] All = ["sd15", "sd15-fp16", "sd21-v", "sd-turbo", "sdxl-turbo", "lcm"];

    private static readonly ConcurrentDictionary<string, Lazy<ModelSet>> Loaded = new();

    public static SessionSettings Cpu { get; } = new() { Providers = [ExecutionProvider.Cpu], Threads = 2 };

    public static string Folder(string name) => RepoPaths.InRepo("tests", "models", name);

    public static ModelSet Get(string name) =>
        Loaded.GetOrAdd(name, n => new Lazy<ModelSet>(() => ModelSet.Load(Folder(n), Cpu))).Value;

    /// <summary>A copy of a test model in a temp folder, for tests that break files.</summary>
    public static string CopyToTemp(string name)
    {
        string target = Directory.CreateTempSubdirectory($"seedtex-model-{name}-").FullName;
        string source = Folder(name);
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(source, file);
            if (relative.StartsWith('.') || relative.StartsWith("reference", StringComparison.Ordinal))
                continue;
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(target, relative))!);
            File.Copy(file, Path.Combine(target, relative));
        }
        return target;
    }

    /// <summary>RGB bytes (no alpha) of a decoded image, rows top to bottom.</summary>
    public static byte[] Rgb(GeneratedImage image)
    {
        var rgba = image.ToRgba8();
        var rgb = new byte[image.Width * image.Height * 3];
        for (int i = 0; i < image.Width * image.Height; i++)
            rgba.AsSpan(i * 4, 3).CopyTo(rgb.AsSpan(i * 3));
        return rgb;
    }
}
