using System.Globalization;
using System.Numerics;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Runtime;

/// <summary>
/// PBR maps (normal, height, roughness, AO) from an albedo and cubemaps from a 2:1 panorama, on the CPU. The
/// settings that change their pixels are part of their keys; the parent's tiling, already in the parent's key,
/// decides whether the map filters wrap.
/// </summary>
/// <param name="Maps">Map settings; its Wrap is ignored (the parent request's tiling is used).</param>
/// <param name="CubeFaceSize">Cube face edge in pixels; 0 takes a quarter of the panorama's width.</param>
public sealed record DerivedOutputs(SurfaceMapOptions Maps, int CubeFaceSize = 0) : IDerivedOutputs
{
    /// <summary>Changes when a map's or a cubemap's numbers change, so old entries are not reused.</summary>
    public const int Version = 1;

    public static DerivedOutputs Default { get; } = new(new SurfaceMapOptions(TileAxes.None));

    private static readonly (TextureOutputs Output, MapKind Map)[] MapOutputs =
    [
        (TextureOutputs.Normal, MapKind.Normal), (TextureOutputs.Height, MapKind.Height),
        (TextureOutputs.Roughness, MapKind.Roughness), (TextureOutputs.AmbientOcclusion, MapKind.AmbientOcclusion),
    ];

    public static MapKind MapOf(TextureOutputs output) =>
        MapOutputs.FirstOrDefault(m => m.Output == output) is { Map: not MapKind.None } match
            ? match.Map
            : throw SeedtexException.Argument($"{output} is not a PBR map; maps are normal, height, roughness and ao");

    public static TextureOutputs OutputOf(MapKind map) =>
        MapOutputs.FirstOrDefault(m => m.Map == map) is { Map: not MapKind.None } match
            ? match.Output
            : throw SeedtexException.Argument($"{map} is not one map; ask for normal, height, roughness or ao");

    public string Name(TextureOutputs output) =>
        output == TextureOutputs.Cubemap ? "cubemap" : "map/" + MapOf(output).FileSuffix();

    public string Settings(TextureOutputs output, TextureRequest parent)
    {
        ArgumentNullException.ThrowIfNull(parent);
        if (output == TextureOutputs.Cubemap)
        {
            if (parent.Kind != PipelineKind.Backdrop)
                throw SeedtexException.Argument("a cubemap is made from a backdrop; request kind backdrop (a 2:1 panorama)");
            return string.Create(CultureInfo.InvariantCulture, $"v{Version};face={FaceSize(parent.Width)}");
        }
        var kind = MapOf(output);
        string common = string.Create(CultureInfo.InvariantCulture, $"v{Version};detail={Maps.DetailRadius}");
        return kind == MapKind.Normal
            ? string.Create(CultureInfo.InvariantCulture, $"{common};strength={Maps.NormalStrength:R};convention={Maps.Convention}")
            : common;
    }

    public TextureData Derive(TextureOutputs output, TextureData parent, TextureRequest parentRequest)
    {
        ArgumentNullException.ThrowIfNull(parent);
        ArgumentNullException.ThrowIfNull(parentRequest);
        if (output == TextureOutputs.Cubemap)
            return EquirectToCube.Convert(parent, FaceSize(parent.Width), withMips: true);
        return SurfaceMaps.Make(MapOf(output), parent, Maps with { Wrap = parentRequest.Tiling });
    }

    private int FaceSize(int panoramaWidth)
    {
        // A quarter of the width matches the panorama's resolution at the horizon; faces are powers of two.
        int face = CubeFaceSize > 0 ? CubeFaceSize : Math.Max(EquirectToCube.MinFaceSize, (int)BitOperations.RoundUpToPowerOf2((uint)(panoramaWidth / 4 + 1)) / 2);
        EquirectToCube.CheckFaceSize(face);
        return face;
    }
}
