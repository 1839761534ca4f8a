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

    /// <summary>Starts the tool and returns once its stderr contains <paramref name="marker"/>.</summary>
    public static async Task<(Process Process, StringBuilder StdErr)> StartAndWaitForAsync(string marker, params string[] args)
    {
        var process = Process.Start(StartInfo(args))!;
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
