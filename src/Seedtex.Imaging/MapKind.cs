using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>The PBR maps Seedtex derives from a generated albedo.</summary>
[Flags]
public enum MapKind
{
    None = 0,
    Normal = 1,
    Height = 2,
    Roughness = 4,
    AmbientOcclusion = 8,
}

public static class MapKinds
{
    public static readonly IReadOnlyList<(string Name, MapKind Kind)> Names =
        [("normal", MapKind.Normal), ("height", MapKind.Height), ("roughness", MapKind.Roughness), ("ao", MapKind.AmbientOcclusion)];

    /// <summary>Parses "normal,height,roughness,ao" (any subset, any order).</summary>
    public static MapKind Parse(string list)
    {
        var result = MapKind.None;
        foreach (string part in list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var match = Names.FirstOrDefault(n => n.Name.Equals(part, StringComparison.OrdinalIgnoreCase));
            if (match.Name is null)
                throw SeedtexException.Argument($"unknown map '{part}'; valid maps: {string.Join(", ", Names.Select(n => n.Name))}");
            result |= match.Kind;
        }
        return result;
    }

    public static string FileSuffix(this MapKind kind) => Names.First(n => n.Kind == kind).Name;
}
