namespace Seedtex.Core;

/// <summary>Which axes of the output wrap around so the texture tiles.</summary>
[Flags]
public enum TileAxes
{
    None = 0,
    X = 1,
    Y = 2,
    XY = X | Y,
}

/// <summary>What the pipeline makes.</summary>
public enum PipelineKind
{
    /// <summary>Text to image.</summary>
    TextToImage = 1,
    /// <summary>Image to image from a source picture and a strength.</summary>
    ImageToImage = 2,
    /// <summary>A 2:1 equirectangular 360-degree backdrop, wrapped in x.</summary>
    Backdrop = 3,
}

/// <summary>Derived outputs a caller can ask for beside the colour texture.</summary>
[Flags]
public enum TextureOutputs
{
    Albedo = 1,
    Normal = 2,
    Height = 4,
    Roughness = 8,
    AmbientOcclusion = 16,
    Cubemap = 32,
}

/// <summary>
/// Everything that decides a generated texture's pixels. Two equal requests against the same model give
/// the same pixels (same provider and thread count) and, later, the same cache key.
/// </summary>
public sealed record TextureRequest
{
    public required string Prompt { get; init; }
    public string NegativePrompt { get; init; } = "";
    public long Seed { get; init; }
    /// <summary>Width in pixels; 0 means the model family's default size.</summary>
    public int Width { get; init; } = 512;
    /// <summary>Height in pixels; 0 means the model family's default size (half of it for a backdrop).</summary>
    public int Height { get; init; } = 512;
    /// <summary>Denoising steps; 0 means the model family's default.</summary>
    public int Steps { get; init; }
    /// <summary>Classifier-free guidance scale; NaN means the model family's default.</summary>
    public float Guidance { get; init; } = float.NaN;
    /// <summary>Scheduler name (see SchedulerFactory); empty means the model family's default.</summary>
    public string Scheduler { get; init; } = "";
    public TileAxes Tiling { get; init; }
    public PipelineKind Kind { get; init; } = PipelineKind.TextToImage;
    public TextureOutputs Outputs { get; init; } = TextureOutputs.Albedo;
    public PixelFormat Format { get; init; } = PixelFormat.Rgba8Srgb;
    /// <summary>img2img source, RGBA8, Width x Height. Null for txt2img.</summary>
    public ReadOnlyMemory<byte>? InitImage { get; init; }
    /// <summary>img2img strength in (0, 1]: how much of the schedule runs from the noised source.</summary>
    public float Strength { get; init; } = 0.75f;
}
