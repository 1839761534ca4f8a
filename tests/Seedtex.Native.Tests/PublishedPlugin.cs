using System.Diagnostics;
using Seedtex.Tests;

namespace Seedtex.Native.Tests;

/// <summary>
/// The NativeAOT plugin as plugin/publish.sh lays it out (published once per test run, and only when a source is
/// newer than the library), and a way to run the C programs that load it.
/// </summary>
public static class PublishedPlugin
{
    private static readonly Lazy<string> Published = new(Publish);

    /// <summary>artifacts/plugin/linux-x64/seedtex.so, published first when a source is newer.</summary>
    public static string Library => Published.Value;

    private static string Publish()
    {
        string library = RepoPaths.InRepo("artifacts", "plugin", "linux-x64", "seedtex.so");
        // Test projects run as parallel processes, and more than one publishes: one at a time, the others then find it fresh.
        Directory.CreateDirectory(RepoPaths.InRepo("artifacts"));
        using var gate = WaitForPublishLock(RepoPaths.InRepo("artifacts", ".publish.lock"));
        var sources = new[] { "src", "plugin" }
            .SelectMany(d => Directory.EnumerateFiles(RepoPaths.InRepo(d), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
                && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal)
                && !f.Contains("/plugin/unity/", StringComparison.Ordinal));
        // The default model is published beside the library too (its fingerprint memo is rewritten by every reader).
        var model = Directory.EnumerateFiles(RepoPaths.InRepo("plugin", "models"), "*", SearchOption.AllDirectories)
            .Where(f => !Path.GetFileName(f).StartsWith('.'));
        string publishedModel = RepoPaths.InRepo("artifacts", "plugin", "linux-x64", "models", "seedtex-tiny", "model_index.json");
        string unityLibrary = RepoPaths.InRepo("plugin", "unity", "Plugins", "x86_64", "libseedtex.so");
        if (!File.Exists(library) || !File.Exists(publishedModel) || !File.Exists(unityLibrary)
            || sources.Concat(model).Any(f => File.GetLastWriteTimeUtc(f) > File.GetLastWriteTimeUtc(library)))
        {
            var result = Run(RepoPaths.InRepo("plugin", "publish.sh"), [], TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, "publish failed:\n" + result.Output);
        }
        return library;
    }

    public static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workingDirectory ?? RepoPaths.Root };
        foreach (string a in args)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{file} did not finish within {timeout}");
        }
        return (process.ExitCode, stdout.Result + stderr.Result);
    }

    private static FileStream WaitForPublishLock(string path)
    {
        var deadline = DateTime.UtcNow.AddMinutes(10);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Builds one C program against seedtex.h (and samples/c-host's headers) with warnings as errors.</summary>
    public static string CompileC(string source, string folder, params string[] libraries)
    {
        string program = Path.Combine(folder, Path.GetFileNameWithoutExtension(source));
        var compile = Run("gcc", ["-O1", "-Wall", "-Werror", "-I", RepoPaths.InRepo("plugin", "include"), "-I", RepoPaths.InRepo("samples", "c-host"),
            "-o", program, source, .. libraries], TimeSpan.FromMinutes(2));
        Assert.True(compile.ExitCode == 0, compile.Output);
        return program;
    }
}
