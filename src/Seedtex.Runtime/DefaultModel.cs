using Seedtex.Core;

namespace Seedtex.Runtime;

/// <summary>
/// Finds the model to use: an explicit folder, else $SEEDTEX_MODEL, else the embedded seedtex-tiny, looked for beside
/// the program or plugin (models/seedtex-tiny in a published build) and in a source checkout (plugin/models/seedtex-tiny),
/// walking up from <c>startFolder</c> (default: the program's folder).
/// </summary>
public static class DefaultModel
{
    public const string Name = "seedtex-tiny";

    public static string Resolve(string? explicitFolder, string? startFolder = null)
    {
        if (!string.IsNullOrWhiteSpace(explicitFolder))
            return explicitFolder;
        string? fromEnvironment = Environment.GetEnvironmentVariable("SEEDTEX_MODEL");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
            return fromEnvironment;
        startFolder ??= AppContext.BaseDirectory;
        for (var dir = new DirectoryInfo(startFolder); dir != null; dir = dir.Parent)
        {
            foreach (string candidate in new[] { Path.Combine(dir.FullName, "models", Name), Path.Combine(dir.FullName, "plugin", "models", Name) })
            {
                if (File.Exists(Path.Combine(candidate, "model_index.json")))
                    return candidate;
            }
        }
        throw SeedtexException.Model($"the default model {Name} is not in this build (looked for plugin/models/{Name} above {startFolder}); pass --model DIR with a diffusers ONNX folder");
    }
}
