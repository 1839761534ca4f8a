using System.CommandLine;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Cli;

/// <summary>`--maps normal,height,roughness,ao`: PBR maps written next to the albedo as NAME_normal.png and so on.</summary>
public sealed class MapOutputs
{
    public Option<string?> Maps { get; } = new("--maps") { Description = "also write PBR maps derived from the albedo: any of normal,height,roughness,ao" };
    public Option<float> NormalStrength { get; } = new("--normal-strength") { Description = "normal map strength", DefaultValueFactory = _ => 2f };
    public Option<NormalMapConvention> Convention { get; } = new("--normal-convention") { Description = "green channel: OpenGl (Y up) or DirectX (Y down)", DefaultValueFactory = _ => NormalMapConvention.OpenGl };
    public Option<string> Format { get; } = new("--map-format") { Description = "png (level 0) or ktx2 (with its mip chain)", DefaultValueFactory = _ => "png" };

    public void AddTo(Command command)
    {
        command.Options.Add(Maps);
        command.Options.Add(NormalStrength);
        command.Options.Add(Convention);
        Format.AcceptOnlyFromAmong("png", "ktx2");
        command.Options.Add(Format);
    }

    /// <summary>The maps asked for (parsed before any generation, so a typo costs nothing).</summary>
    public MapKind Requested(ParseResult parse) => parse.GetValue(Maps) is string list ? MapKinds.Parse(list) : MapKind.None;

    /// <summary>Writes each requested map beside <paramref name="albedoPath"/>; returns the paths written.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(ParseResult parse, string albedoPath, TextureData albedo, TileAxes tiling, CancellationToken cancellationToken)
    {
        var options = new SurfaceMapOptions(tiling, NormalStrength: parse.GetValue(NormalStrength), Convention: parse.GetValue(Convention));
        var written = new List<string>();
        foreach (var (name, kind) in MapKinds.Names)
        {
            if (!Requested(parse).HasFlag(kind))
                continue;
            var map = SurfaceMaps.Make(kind, albedo, options);
            bool ktx2 = parse.GetValue(Format) == "ktx2";
            string path = Path.Combine(Path.GetDirectoryName(albedoPath)!, $"{Path.GetFileNameWithoutExtension(albedoPath)}_{name}.{(ktx2 ? "ktx2" : "png")}");
            if (ktx2)
                await Ktx2File.WriteAsync(path, map, ImageOutput.Version, cancellationToken).ConfigureAwait(false);
            else
                await PngFile.WriteAsync(path, map.LevelPixels(0, 0).Span, map.Width, map.Height, null, cancellationToken).ConfigureAwait(false);
            written.Add(path);
        }
        return written;
    }
}
