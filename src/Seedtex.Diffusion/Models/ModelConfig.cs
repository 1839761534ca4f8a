using System.Text.Json;
using Seedtex.Core;

namespace Seedtex.Diffusion.Models;

/// <summary>
/// The JSON configs of a diffusers ONNX folder that matter to the pipeline. Real exports differ in which of
/// these exist: the diffusers conversion script writes only model_index.json and the scheduler config, optimum
/// adds a config.json per component. Every read therefore has a fallback.
/// </summary>
public sealed record ModelConfig
{
    public required string PipelineClass { get; init; }
    public required string SchedulerClass { get; init; }
    /// <summary>The raw scheduler_config.json text; the scheduler factory parses the rest.</summary>
    public required string SchedulerJson { get; init; }
    public string PredictionType { get; init; } = "epsilon";
    public string TimestepSpacing { get; init; } = "leading";
    /// <summary>VAE latent scale (SD 0.18215, SDXL 0.13025), or null when no config says it.</summary>
    public float? VaeScalingFactor { get; init; }
    public int? CrossAttentionDim { get; init; }
    public int? SampleSize { get; init; }
    /// <summary>Optional per-model defaults from seedtex.json (steps, guidance, scheduler, size).</summary>
    public GenerationDefaults? Defaults { get; init; }

    public static ModelConfig Load(string folder)
    {
        using var index = ReadJson(folder, "model_index.json", required: true)!;
        using var scheduler = ReadJson(folder, Path.Combine("scheduler", "scheduler_config.json"), required: true)!;
        using var unet = ReadJson(folder, Path.Combine("unet", "config.json"), required: false);
        using var vae = ReadJson(folder, Path.Combine("vae_decoder", "config.json"), required: false);
        using var seedtex = ReadJson(folder, "seedtex.json", required: false);

        return new ModelConfig
        {
            PipelineClass = GetString(index.RootElement, "_class_name") ?? "",
            SchedulerClass = GetString(scheduler.RootElement, "_class_name") ?? "",
            SchedulerJson = File.ReadAllText(Path.Combine(folder, "scheduler", "scheduler_config.json")),
            PredictionType = GetString(scheduler.RootElement, "prediction_type") ?? "epsilon",
            TimestepSpacing = GetString(scheduler.RootElement, "timestep_spacing") ?? "leading",
            VaeScalingFactor = vae is null ? null : GetFloat(vae.RootElement, "scaling_factor"),
            CrossAttentionDim = unet is null ? null : GetInt(unet.RootElement, "cross_attention_dim"),
            SampleSize = unet is null ? null : GetInt(unet.RootElement, "sample_size"),
            Defaults = seedtex is null ? null : ReadDefaults(seedtex.RootElement),
        };
    }

    private static GenerationDefaults? ReadDefaults(JsonElement root)
    {
        if (!root.TryGetProperty("defaults", out var d) || d.ValueKind != JsonValueKind.Object)
            return null;
        return new GenerationDefaults(
            GetInt(d, "steps") ?? 0,
            GetFloat(d, "guidance") ?? float.NaN,
            GetString(d, "scheduler") ?? "",
            GetInt(d, "size") ?? 0);
    }

    private static JsonDocument? ReadJson(string folder, string relative, bool required)
    {
        string path = Path.Combine(folder, relative);
        if (!File.Exists(path))
        {
            if (required)
                throw SeedtexException.Model($"model folder {folder} has no {relative}; a diffusers ONNX export has one (re-export, or point --model at the folder holding model_index.json)");
            return null;
        }
        try
        {
            return JsonDocument.Parse(File.ReadAllText(path));
        }
        catch (JsonException e)
        {
            throw SeedtexException.Model($"{path} is not valid JSON ({e.Message})", e);
        }
    }

    private static string? GetString(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static int? GetInt(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out int i) ? i : null;

    private static float? GetFloat(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetSingle() : null;
}
