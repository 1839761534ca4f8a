using Seedtex.Core;

namespace Seedtex.Cli;

/// <summary>
/// Finds the model a command uses: --model, else $SEEDTEX_MODEL, else the embedded seedtex-tiny, looked for beside
/// the tool (models/seedtex-tiny in a published build) and in a source checkout (plugin/models/seedtex-tiny).
/// </summary>
public static class DefaultModel
{
    public const string Name = "seedtex-tiny";

    public static string Resolve(string? explicitFolder)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
            return explicitFolder;
        string? fromEnvironment = Environment.GetEnvironmentVariable("SEEDTEX_MODEL");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return fromEnvironment;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "models", Name), Path.Combine(dir.FullName, "plugin", "models", Name) })
            {
                if (File.Exists(Path.Combine(candidate, "model_index.json")))
                    return candidate;
            }
        }
        throw SeedtexException.Model($"the default model {Name} is not in this build (looked for plugin/models/{Name} above {AppContext.BaseDirectory}); pass --model DIR with a diffusers ONNX folder");
    }
}
