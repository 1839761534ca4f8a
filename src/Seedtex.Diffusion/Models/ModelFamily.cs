namespace Seedtex.Diffusion.Models;

/// <summary>Stable Diffusion families Seedtex recognises. Detected from configs and graph inputs, never from file names.</summary>
public enum ModelFamily
{
    StableDiffusion1,
    StableDiffusion2,
    StableDiffusion2V,
    SdTurbo,
    Sdxl,
    SdxlTurbo,
    Lcm,
}

/// <summary>What a request that leaves steps, guidance, scheduler or size at "default" gets for a family.</summary>
public sealed record GenerationDefaults(int Steps, float Guidance, string Scheduler, int Size)
{
    /// <summary>Defaults follow each family's model card (Turbo: few steps, no guidance; LCM: 4 steps).</summary>
    public static GenerationDefaults For(ModelFamily family) => family switch
    {
        ModelFamily.StableDiffusion1 => new(20, 7.5f, "dpm++2m-karras", 512),
        ModelFamily.StableDiffusion2 => new(20, 7.5f, "dpm++2m-karras", 512),
        ModelFamily.StableDiffusion2V => new(20, 7.5f, "dpm++2m-karras", 768),
        ModelFamily.SdTurbo => new(2, 0f, "euler-a", 512),
        ModelFamily.Sdxl => new(25, 6f, "dpm++2m-karras", 1024),
        ModelFamily.SdxlTurbo => new(2, 0f, "euler-a", 512),
        ModelFamily.Lcm => new(4, 1f, "lcm", 512),
        _ => throw new ArgumentOutOfRangeException(nameof(family)),
    };
}

public static class ModelFamilyNames
{
    public static string DisplayName(this ModelFamily family) => family switch
    {
        ModelFamily.StableDiffusion1 => "SD 1.x",
        ModelFamily.StableDiffusion2 => "SD 2.x",
        ModelFamily.StableDiffusion2V => "SD 2.x (v-prediction)",
        ModelFamily.SdTurbo => "SD-Turbo",
        ModelFamily.Sdxl => "SDXL",
        ModelFamily.SdxlTurbo => "SDXL-Turbo",
        ModelFamily.Lcm => "LCM",
        _ => family.ToString(),
    };
}
