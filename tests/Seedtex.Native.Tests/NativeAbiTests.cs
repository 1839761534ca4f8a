using System.Diagnostics;
using Seedtex.Tests;

namespace Seedtex.Native.Tests;

/// <summary>
/// The published NativeAOT plugin driven from C, as an engine would: plugin/publish.sh builds it (once, when a
/// source is newer than the library), gcc builds tests/Seedtex.Native.Tests/c/abi_test.c, and the program loads
/// the plugin with dlopen from another folder, generates on the sd15 test model and tries every kind of bad input.
/// </summary>
public class NativeAbiTests
{
    private static readonly Lazy<string> Plugin = new(Publish);

    private static string Publish()
    {
        string library = RepoPaths.InRepo("artifacts", "plugin", "linux-x64", "seedtex.so");
        var sources = new[] { "src", "plugin" }
            .SelectMany(d => Directory.EnumerateFiles(RepoPaths.InRepo(d), "*.*", SearchOption.AllDirectories))
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".csproj", StringComparison.Ordinal))
                && !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal));
        if (!File.Exists(library) || sources.Any(f => File.GetLastWriteTimeUtc(f) > File.GetLastWriteTimeUtc(library)))
        {
            var result = Run(RepoPaths.InRepo("plugin", "publish.sh"), [], TimeSpan.FromMinutes(8));
            Assert.True(result.ExitCode == 0, "publish failed:\n" + result.Output);
        }
        return library;
    }

    private static (int ExitCode, string Output) Run(string file, IEnumerable<string> args, TimeSpan timeout, string? workingDirectory = null)
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

    [Fact]
    public void C_host_generates_through_the_abi_and_every_bad_input_gets_a_status_and_a_message()
    {
        string plugin = Plugin.Value;
        Assert.True(new FileInfo(plugin).Length > 100_000);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(plugin)!, "libonnxruntime.so")));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(plugin)!, "*.dll"));

        string work = Directory.CreateTempSubdirectory("seedtex-native").FullName;
        string program = Path.Combine(work, "abi_test");
        var compile = Run("gcc", ["-O1", "-Wall", "-Werror", "-I", RepoPaths.InRepo("plugin", "include"), "-o", program,
            Path.Combine(AppContext.BaseDirectory, "c", "abi_test.c"), "-ldl", "-lm"], TimeSpan.FromMinutes(2));
        Assert.True(compile.ExitCode == 0, compile.Output);

        string cache = Directory.CreateDirectory(Path.Combine(work, "cache")).FullName;
        // Run from an unrelated folder: the plugin must find ONNX Runtime beside itself, not beside the host.
        var result = Run(program, [plugin, RepoPaths.InRepo("tests", "models", "sd15"), cache], TimeSpan.FromMinutes(5), workingDirectory: work);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("ALL OK: 0 failed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok   second request is a cache hit", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok   double release is an invalid handle", result.Output, StringComparison.Ordinal);
    }
}
