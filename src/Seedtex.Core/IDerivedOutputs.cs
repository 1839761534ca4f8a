namespace Seedtex.Core;

/// <summary>
/// Makes the outputs that come from a generated texture rather than from the model (PBR maps from an albedo, a
/// cubemap from a panorama). Each is stored under <see cref="CacheKey.Derive"/>(parent key, <see cref="Name"/>,
/// <see cref="Settings"/>), so the bake step and the runtime find the same entries.
/// </summary>
public interface IDerivedOutputs
{
    /// <summary>The output's name in its derived key, e.g. "map/normal" or "cubemap".</summary>
    string Name(TextureOutputs output);

    /// <summary>Everything beside the parent that decides the output's pixels, as text for its derived key.</summary>
    string Settings(TextureOutputs output, TextureRequest parent);

    /// <summary>The output, made from the parent's texture. Runs on a worker thread; may be slow.</summary>
    TextureData Derive(TextureOutputs output, TextureData parent, TextureRequest parentRequest);
}

public static class TextureOutputsExtensions
{
    /// <summary>The derived outputs among <paramref name="outputs"/> (all but the albedo), one flag each, in a fixed order.</summary>
    public static IEnumerable<TextureOutputs> Derived(this TextureOutputs outputs) =>
        Enum.GetValues<TextureOutputs>().Where(o => o != TextureOutputs.Albedo && outputs.HasFlag(o));
}
