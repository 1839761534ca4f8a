using System.CommandLine;
using System.Globalization;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Cli;

/// <summary>`seedtex cache stats | ls | verify | gc --max-size SIZE | export KEY -o file.png` on the local disk store.</summary>
internal static class CacheCommands
{
    /// <summary>--cache-dir, shared with `seedtex bake`: $SEEDTEX_CACHE, else ~/.cache/seedtex.</summary>
    public static Option<string> CacheDirOption() => new("--cache-dir")
    {
        Description = "Disk cache folder (default: $SEEDTEX_CACHE, else ~/.cache/seedtex)",
        Recursive = true,
        DefaultValueFactory = _ => DefaultCacheDir(),
    };

    public static string DefaultCacheDir() =>
        Environment.GetEnvironmentVariable("SEEDTEX_CACHE") is { Length: > 0 } fromEnvironment
            ? fromEnvironment
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "seedtex");

    public static Command Create()
    {
        var cacheDir = CacheDirOption();
        var cache = new Command("cache", "Inspect and maintain the local texture cache");
        cache.Options.Add(cacheDir);
        cache.Subcommands.Add(Stats(cacheDir));
        cache.Subcommands.Add(List(cacheDir));
        cache.Subcommands.Add(Verify(cacheDir));
        cache.Subcommands.Add(Collect(cacheDir));
        cache.Subcommands.Add(Export(cacheDir));
        return cache;
    }

    private static Command Stats(Option<string> cacheDir)
    {
        var command = new Command("stats", "Entry count, size, and leftovers (temp files, entries moved aside as corrupt)");
        command.SetAction((parse, cancellationToken) => Run(parse, cancellationToken, output =>
        {
            var store = new DiskStore(parse.GetValue(cacheDir)!);
            var stats = store.Stats();
            output.WriteLine($"folder        {store.Root}");
            output.WriteLine($"entries       {stats.Entries}");
            output.WriteLine($"size          {FormatBytes(stats.Bytes)}");
            output.WriteLine($"temp files    {stats.TempFiles}");
            output.WriteLine($"corrupt       {stats.CorruptFiles} (in {store.CorruptFolder})");
            if (stats.OldestUseUtc is { } oldest && stats.NewestUseUtc is { } newest)
                output.WriteLine($"last used     {oldest:u} .. {newest:u}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command List(Option<string> cacheDir)
    {
        var command = new Command("ls", "One line per entry: key, size, format, last use, asset id and prompt");
        command.SetAction((parse, cancellationToken) => Run(parse, cancellationToken, output =>
        {
            var store = new DiskStore(parse.GetValue(cacheDir)!);
            foreach (var entry in store.List().OrderByDescending(e => e.LastUsedUtc))
            {
                if (entry.Problem is not null)
                {
                    output.WriteLine($"{"?",-64}  {FormatBytes(entry.FileBytes),9}  unreadable: {entry.Problem}");
                    continue;
                }
                var request = entry.Metadata!.Request;
                string faces = entry.FaceCount == 6 ? " cube" : "";
                string id = entry.Metadata.AssetId.Length > 0 ? $"[{entry.Metadata.AssetId}] " : "";
                output.WriteLine($"{entry.Key}  {FormatBytes(entry.FileBytes),9}  {entry.Width}x{entry.Height}{faces} {entry.MipCount} mips  {entry.LastUsedUtc:u}  {id}seed {request.Seed} \"{request.Prompt}\"");
            }
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Verify(Option<string> cacheDir)
    {
        var command = new Command("verify", "Read every entry in full and check its checksum; damaged entries are moved aside. Exit code 1 if any were found");
        command.SetAction((parse, cancellationToken) => Run(parse, cancellationToken, output =>
        {
            var store = new DiskStore(parse.GetValue(cacheDir)!);
            var report = store.Verify();
            foreach (var problem in report.Problems)
                output.WriteLine($"corrupt: {problem.Location}: {problem.Reason}");
            output.WriteLine($"checked {report.Checked} entries, {report.Problems.Count} corrupt (moved to {store.CorruptFolder})");
            return report.Problems.Count == 0 ? ExitCodes.Ok : ExitCodes.Failed;
        }));
        return command;
    }

    private static Command Collect(Option<string> cacheDir)
    {
        var maxSize = new Option<string>("--max-size")
        {
            Description = "Remove least recently used entries until the cache is at most this big (e.g. 500MB, 10GB, 1048576)",
            Required = true,
        };
        var command = new Command("gc", "Shrink the cache to --max-size, least recently used first, and delete stale temp files");
        command.Options.Add(maxSize);
        command.SetAction((parse, cancellationToken) => Run(parse, cancellationToken, output =>
        {
            long limit = ParseSize(parse.GetValue(maxSize)!);
            var store = new DiskStore(parse.GetValue(cacheDir)!);
            var report = store.Collect(limit);
            output.WriteLine($"removed {report.RemovedEntries} entries ({FormatBytes(report.RemovedBytes)}) and {report.RemovedTempFiles} stale temp files; "
                + $"{report.RemainingEntries} entries ({FormatBytes(report.RemainingBytes)}) remain");
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static Command Export(Option<string> cacheDir)
    {
        var key = new Argument<string>("KEY") { Description = "The entry's key (64 hex digits, as `seedtex cache ls` prints)" };
        var outputPath = new Option<string>("--output", "-o") { Description = "PNG file to write", Required = true };
        var level = new Option<int>("--level") { Description = "Mip level to export (0 = full size)" };
        var face = new Option<int>("--face") { Description = "Cubemap face to export (0-5)" };
        var command = new Command("export", "Write one entry's pixels as a PNG");
        command.Arguments.Add(key);
        command.Options.Add(outputPath);
        command.Options.Add(level);
        command.Options.Add(face);
        command.SetAction((parse, cancellationToken) => RunAsync(parse, cancellationToken, async output =>
        {
            var cacheKey = CacheKey.Parse(parse.GetValue(key)!);
            var store = new DiskStore(parse.GetValue(cacheDir)!);
            var hit = store.TryGet(cacheKey)
                ?? throw SeedtexException.Argument($"no entry {cacheKey} in {store.Root} (or it was corrupt and moved aside): list entries with `seedtex cache ls`");
            var texture = hit.Entry.Texture;
            if (texture.Format is not (PixelFormat.Rgba8Srgb or PixelFormat.Rgba8Unorm))
                throw SeedtexException.Argument($"entry {cacheKey} is {texture.Format}; PNG export writes 8-bit RGBA entries only");
            int mip = parse.GetValue(level), side = parse.GetValue(face);
            if ((uint)mip >= (uint)texture.MipCount || (uint)side >= (uint)texture.FaceCount)
                throw SeedtexException.Argument($"--level {mip} --face {side} is outside this entry's {texture.MipCount} mips x {texture.FaceCount} faces");
            var image = texture.Level(side, mip);
            string path = Path.GetFullPath(parse.GetValue(outputPath)!);
            var metadata = hit.Entry.Metadata;
            var parameters = new Dictionary<string, string>
            {
                [GenerationParameters.PngKeyword] = GenerationParameters.Format(metadata.Request, "", metadata.ModelFingerprint, ImageOutput.Version),
            };
            await PngFile.WriteAsync(path, texture.LevelPixels(side, mip).Span, image.Width, image.Height, parameters, cancellationToken).ConfigureAwait(false);
            output.WriteLine($"wrote {path} ({image.Width}x{image.Height}, level {mip}, face {side})");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>Runs a command body through <see cref="CliAction"/>: errors become one line on stderr and an exit code.</summary>
    private static Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken, Func<TextWriter, Task<int>> body) =>
        CliAction.RunAsync(() => body(parse.InvocationConfiguration.Output), cancellationToken);

    private static Task<int> Run(ParseResult parse, CancellationToken cancellationToken, Func<TextWriter, int> body) =>
        RunAsync(parse, cancellationToken, output => Task.FromResult(body(output)));

    /// <summary>"500MB", "10 GB", "1.5GiB", "4096": decimal (KB, MB, GB) and binary (KiB, MiB, GiB) units.</summary>
    internal static long ParseSize(string text)
    {
        string trimmed = text.Trim();
        int split = trimmed.Length;
        while (split > 0 && char.IsLetter(trimmed[split - 1]))
            split--;
        long unit = trimmed[split..].ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "KB" => 1000, "MB" => 1000_000, "GB" => 1000_000_000, "TB" => 1000_000_000_000,
            "KIB" => 1L << 10, "MIB" => 1L << 20, "GIB" => 1L << 30, "TIB" => 1L << 40,
            _ => 0,
        };
        if (unit == 0 || !double.TryParse(trimmed[..split].Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            || value < 0 || value * unit > long.MaxValue)
            throw SeedtexException.Argument($"'{text}' is not a size: use a number with an optional unit, e.g. 500MB, 10GB, 2GiB");
        return (long)(value * unit);
    }

    internal static string FormatBytes(long bytes) => bytes switch
    {
        >= 1L << 30 => $"{bytes / (double)(1L << 30):F2} GiB",
        >= 1L << 20 => $"{bytes / (double)(1L << 20):F1} MiB",
        >= 1L << 10 => $"{bytes / 1024.0:F1} KiB",
        _ => $"{bytes} B",
    };
}
