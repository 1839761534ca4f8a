using System.CommandLine;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Runtime;
using Spectre.Console;

namespace Seedtex.Cli;

/// <summary>`seedtex bake assets.json --pack build/assets.stxpack [--dry-run]`: generate what no cache tier holds, then write the pack.</summary>
internal static class BakeCommand
{
    /// <param name="openModel">Opens the model to bake with, from --model (null: the default model).</param>
    public static Command Create(Func<string?, ITextureGenerator> openModel)
    {
        var manifestPath = new Argument<string>("MANIFEST") { Description = "Bake manifest (JSON: defaults + assets; see BakeManifest)" };
        var packPath = new Option<string?>("--pack") { Description = "Pack file to write (default: the manifest's \"pack\")" };
        var dryRun = new Option<bool>("--dry-run") { Description = "List what would be generated, generate nothing" };
        var model = new Option<string?>("--model") { Description = "Model folder (diffusers ONNX layout); default: the embedded model" };
        var cacheDir = CacheCommands.CacheDirOption();
        var command = new Command("bake", "Generate a manifest's textures (only those not cached yet) into a memory-mappable pack");
        command.Arguments.Add(manifestPath);
        command.Options.Add(packPath);
        command.Options.Add(dryRun);
        command.Options.Add(model);
        command.Options.Add(cacheDir);
        command.SetAction((parse, cancellationToken) => CliAction.RunAsync(async () =>
        {
            var output = parse.InvocationConfiguration.Output;
            var manifest = BakeManifest.Load(parse.GetValue(manifestPath)!);
            string pack = parse.GetValue(packPath) ?? manifest.PackPath
                ?? throw SeedtexException.Argument($"{manifest.ManifestPath} names no pack: pass --pack build/assets.stxpack or add \"pack\" to the manifest");
            var generator = openModel(parse.GetValue(model));
            try
            {
                var baker = new Baker(generator, generator.KeyContext, new DiskStore(parse.GetValue(cacheDir)!), DerivedOutputs.Default);
                if (parse.GetValue(dryRun))
                    return DryRun(baker.Plan(manifest, pack), output);
                var result = await RunWithProgress(baker, manifest, pack, cancellationToken).ConfigureAwait(false);
                return Summarise(result, output, parse.InvocationConfiguration.Error);
            }
            finally
            {
                (generator as IDisposable)?.Dispose();
            }
        }, cancellationToken));
        return command;
    }

    private static int DryRun(IReadOnlyList<BakePlanItem> plan, TextWriter output)
    {
        var missing = plan.Where(p => p.FoundIn is null).ToList();
        foreach (var item in missing)
            output.WriteLine(item.Parent is null
                ? $"generate  {item.Asset.Id,-32} {item.Key}  {item.Resolved.Width}x{item.Resolved.Height} seed {item.Resolved.Seed}"
                : $"derive    {item.Asset.Id,-32} {item.Key}  {item.Output} from {item.Parent}");
        output.WriteLine($"{missing.Count} of {plan.Count} entries would be made; {plan.Count - missing.Count} are cached");
        return ExitCodes.Ok;
    }

    private static async Task<BakeResult> RunWithProgress(Baker baker, BakeManifest manifest, string pack, CancellationToken cancellationToken)
    {
        if (!ConsoleProgress.Interactive)
        {
            // Logs and CI: one line per asset on stderr instead of a redrawn bar; stdout keeps only the summary.
            var lines = new InlineProgress<BakeProgress>(p =>
            {
                if (p.Done < p.Total)
                    Console.Error.WriteLine($"[{p.Done + 1}/{p.Total}] {p.CurrentAssetId}" + (p.Remaining is { } eta ? $"  (about {eta:hh\\:mm\\:ss} left)" : ""));
            });
            return await baker.RunAsync(manifest, pack, lines, cancellationToken).ConfigureAwait(false);
        }
        BakeResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask("planning", maxValue: 1);
                var bar = new InlineProgress<BakeProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.Total);
                    task.Value = p.Done;
                    task.Description = p.Done < p.Total ? $"[{p.Done + 1}/{p.Total}] {Markup.Escape(p.CurrentAssetId)}" : $"{p.Total} generated";
                });
                result = await baker.RunAsync(manifest, pack, bar, cancellationToken).ConfigureAwait(false);
                task.Value = task.MaxValue;
            }).ConfigureAwait(false);
        return result!;
    }

    private static int Summarise(BakeResult result, TextWriter output, TextWriter error)
    {
        int cached = result.Plan.Count(p => p.FoundIn is not null);
        if (!result.Succeeded)
        {
            error.WriteLine($"{result.Failures.Count} of {result.Plan.Count} assets failed; the pack was not written (finished textures are kept in the cache):");
            foreach (var failure in result.Failures)
                error.WriteLine($"  {failure.AssetId}: {failure.Message}");
            return ExitCodes.Failed;
        }
        output.WriteLine($"baked {result.Plan.Count} assets into {result.PackPath}: {result.Generated} generated, {cached} from cache");
        return ExitCodes.Ok;
    }

    /// <summary>Reports on the caller's thread (Progress&lt;T&gt; would post to the thread pool and reorder lines).</summary>
    private sealed class InlineProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
