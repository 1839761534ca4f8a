using System.Diagnostics;

namespace Seedtex.Cache.Tests;

/// <summary>Starts tests/Seedtex.Cache.Worker as a real separate process.</summary>
internal static class WorkerProcess
{
    private static readonly string WorkerDll = Path.Combine(
        AppContext.BaseDirectory.Replace("Seedtex.Cache.Tests", "Seedtex.Cache.Worker", StringComparison.Ordinal), "Seedtex.Cache.Worker.dll");

    public static Process Start(params string[] args)
    {
        Assert.True(File.Exists(WorkerDll), $"worker not built at {WorkerDll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(WorkerDll);
        foreach (string arg in args)
            info.ArgumentList.Add(arg);
        return Process.Start(info) ?? throw new InvalidOperationException("dotnet did not start");
    }
}
