using System.CommandLine;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;

using Seedtex.Runtime;

namespace Seedtex.Cli;

/// <summary>Options every command that runs a model shares: which model, which provider, how many threads.</summary>
public sealed class ModelOptions
{
    public Option<string?> Model { get; } = new("--model", "-m") { Description = "model folder in the diffusers ONNX layout (default: the embedded seedtex-tiny)" };
    public Option<string[]> Providers { get; } = new("--provider") { Description = "execution providers to try, best first: cuda, tensorrt, directml, coreml, cpu (default: all, in that order)", AllowMultipleArgumentsPerToken = true };
    public Option<int> Threads { get; } = new("--threads") { Description = "ONNX Runtime threads (default: one per core)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Model);
        command.Options.Add(Providers);
        command.Options.Add(Threads);
    }

    /// <summary>The default CPU generator for a model folder (null: the default model), for commands such as bake.</summary>
    public static Core.ITextureGenerator OpenGenerator(string? folder) =>
        new Runtime.DiffusionTextureGenerator(ModelSet.Load(DefaultModel.Resolve(folder), new SessionSettings()), ownsModel: true);

    /// <summary>
    /// Loads the model named by --model, or by <paramref name="folder"/> when a command takes it as an argument;
    /// with <paramref name="tiling"/>, its seamless variant (made once, then cached).
    /// </summary>
    public Task<ModelSet> LoadAsync(ParseResult parse, CancellationToken cancellationToken, string? folder = null, Core.TileAxes tiling = Core.TileAxes.None)
    {
        folder = DefaultModel.Resolve(folder ?? parse.GetValue(Model));
        string[] providers = parse.GetValue(Providers) ?? [];
        int threads = parse.GetValue(Threads);
        if (threads < 0)
            throw Core.SeedtexException.Argument($"--threads {threads} is negative; use 0 for one per core, or a positive count");
        var settings = new SessionSettings
        {
            Providers = providers.Length > 0 ? [.. providers.Select(ExecutionProviders.Parse)] : ExecutionProviders.DefaultPreference,
            Threads = threads,
            Log = line => Console.Error.WriteLine($"note: {line}"),
        };
        // Only CPU is in this build's package; the other providers' absence is expected, not news.
        if (providers.Length == 0)
            settings = settings with { Log = null };
        return ModelSet.LoadAsync(folder, settings, tiling, cancellationToken);
    }
}
