using System.Diagnostics;
using System.Text;
using Seedtex.Tests;

namespace Seedtex.Cli.Tests;

/// <summary>Runs the real `seedtex` tool as a child process, as a user or a build script would.</summary>
public sealed record ProcessResult(int ExitCode, string StdOut, string StdErr);

public static class SeedtexProcess
{
    public static string ToolDll => Path.Combine(AppContext.BaseDirectory, "seedtex.dll");

    public static string Model(string name) => RepoPaths.InRepo("tests", "models", name);

    public static ProcessStartInfo StartInfo(IEnumerable<string> args, IDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(ToolDll);
        foreach (string a in args)
            info.ArgumentList.Add(a);
        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
            info.Environment[k] = v;
        return info;
    }

    public static async Task<ProcessResult> RunAsync(params string[] args) => await RunAsync(args, null);

    public static async Task<ProcessResult> RunAsync(IEnumerable<string> args, IDictionary<string, string>? environment)
    {
        using var process = Process.Start(StartInfo(args, environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Starts the tool as a terminal would, SIGINT at its default disposition, and returns once its stderr
    /// contains <paramref name="marker"/>. A test run started with `&amp;` from a script inherits SIGINT ignored
    /// (POSIX shells do that to background jobs), and the tool, like any Unix program, keeps an inherited ignore:
    /// Ctrl+C tests would then see the signal vanish. `env --default-signal` resets it and execs the tool (same pid).</summary>
    public static async Task<(Process Process, StringBuilder StdErr)> StartAndWaitForAsync(string marker, params string[] args)
    {
        var info = StartInfo(args);
        info.ArgumentList.Insert(0, info.FileName);
        info.ArgumentList.Insert(0, "--default-signal=INT");
        info.FileName = "env";
        var process = Process.Start(info)!;
        var stderr = new StringBuilder();
        var seen = new TaskCompletionSource();
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is null)
                return;
            lock (stderr)
                stderr.AppendLine(e.Data);
            if (e.Data.Contains(marker, StringComparison.Ordinal))
                seen.TrySetResult();
        };
        process.BeginErrorReadLine();
        _ = process.StandardOutput.ReadToEndAsync();
        await seen.Task.WaitAsync(TimeSpan.FromMinutes(2));
        return (process, stderr);
    }
}
