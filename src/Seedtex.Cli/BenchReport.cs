using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Seedtex.Cli;

/// <summary>
/// A benchmark's printed table, appended with the machine and date to a results file when --record is given, so
/// figures in the repo always say where and when they were measured.
/// </summary>
public sealed class BenchReport
{
    private readonly StringBuilder _text = new();

    public BenchReport(string title)
    {
        _text.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        _text.AppendLine();
        _text.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Machine()}");
        _text.AppendLine();
    }

    public void Line(string text) => _text.AppendLine(text);

    public void Table(IEnumerable<(string Name, string Value)> rows, string nameHeader = "stage", string valueHeader = "value")
    {
        _text.AppendLine(CultureInfo.InvariantCulture, $"| {nameHeader} | {valueHeader} |");
        _text.AppendLine("|---|---:|");
        foreach (var (name, value) in rows)
            _text.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {value} |");
        _text.AppendLine();
    }

    public override string ToString() => _text.ToString();

    public async Task EmitAsync(string? recordPath, CancellationToken cancellationToken)
    {
        Console.WriteLine(ToString());
        if (recordPath is not null)
            await File.AppendAllTextAsync(recordPath, ToString() + Environment.NewLine, cancellationToken).ConfigureAwait(false);
    }

    public static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0.000", CultureInfo.InvariantCulture) + " ms";

    private static string Machine()
    {
        string cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            cpu = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? cpu;
        }
        return $"{Environment.ProcessorCount} cores, {cpu}, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    }
}
