using System.Text.Json;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>One texture a bake makes: its manifest id and the request for it.</summary>
public sealed record BakeAsset(string Id, TextureRequest Request);

/// <summary>
/// The bake manifest: which textures a game ships, read from JSON.
/// </summary>
/// <remarks>
/// Format (every asset field except id, prompt and seed may also be given in "defaults"):
/// <code>
/// {
///   "pack": "build/assets.stxpack",          // optional; relative to the manifest's folder and inside it
///   "defaults": { "size": 512, "tiling": "xy", "steps": 20 },
///   "assets": [
///     { "id": "bricks_red", "prompt": "red brick wall", "seed": 42, "size": 512, "tiling": "xy",
///       "kind": "texture", "outputs": ["albedo", "normal", "roughness"] },
///     { "id": "sky.dusk", "prompt": "dusk over dunes", "seed": 7, "size": [1024, 512], "kind": "backdrop",
///       "outputs": ["albedo", "cubemap"] }
///   ]
/// }
/// </code>
/// Asset fields: id ([a-z0-9_.-], 1-64 characters, unique; required), prompt (required), seed (integer, required),
/// negative_prompt, size (n for n x n, or [width, height]), steps (0 = model default), guidance (null = model default),
/// scheduler ("" = model default), tiling (none | x | y | xy), kind (texture | backdrop),
/// outputs (array of albedo | normal | height | roughness | ao | cubemap; the albedo is always baked, the others are
/// derived from it with default settings and keyed on its key; cubemap faces are a quarter of the panorama's width),
/// format (rgba8_srgb | rgba8_unorm | rgba16_float | rgba32_float).
/// Unknown fields are errors, so a typo does not silently bake the default.
/// </remarks>
public sealed class BakeManifest
{
    private static readonly HashSet<string> AssetOnlyFields = ["id", "prompt", "seed"];
    private static readonly HashSet<string> SharedFields = ["negative_prompt", "size", "steps", "guidance", "scheduler", "tiling", "kind", "outputs", "format"];

    private BakeManifest(string path, string? packPath, IReadOnlyList<BakeAsset> assets)
    {
        ManifestPath = path;
        PackPath = packPath;
        Assets = assets;
    }

    public string ManifestPath { get; }
    /// <summary>The pack named in the manifest (absolute, checked to lie inside the manifest's folder), or null.</summary>
    public string? PackPath { get; }
    public IReadOnlyList<BakeAsset> Assets { get; }

    public static BakeManifest Load(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string text;
        try
        {
            text = File.ReadAllText(fullPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot read manifest {fullPath}: {e.Message}", e);
        }
        return Parse(text, fullPath);
    }

    /// <summary>Parses manifest JSON; <paramref name="path"/> names it in errors and anchors the pack path.</summary>
    public static BakeManifest Parse(string json, string path)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true, MaxDepth = 16 });
        }
        catch (JsonException e)
        {
            throw SeedtexException.Argument($"{path}: not valid JSON ({e.Message})");
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                throw SeedtexException.Argument($"{path}: the manifest must be a JSON object with \"defaults\" and \"assets\"");
            foreach (var property in root.EnumerateObject())
            {
                if (property.Name is not ("pack" or "defaults" or "assets"))
                    throw SeedtexException.Argument($"{path}: unknown top-level field '{property.Name}' (expected pack, defaults, assets)");
            }
            string? pack = root.TryGetProperty("pack", out var packElement) ? ResolvePackPath(path, packElement) : null;
            var defaults = new TextureRequest { Prompt = "" };
            if (root.TryGetProperty("defaults", out var defaultsElement))
                defaults = ReadFields(defaultsElement, defaults, $"{path}: defaults", allowAssetFields: false);
            if (!root.TryGetProperty("assets", out var assetsElement) || assetsElement.ValueKind != JsonValueKind.Array)
                throw SeedtexException.Argument($"{path}: \"assets\" must be an array of assets");

            var assets = new List<BakeAsset>();
            var ids = new HashSet<string>(StringComparer.Ordinal);
            int index = 0;
            foreach (var element in assetsElement.EnumerateArray())
            {
                index++;
                string where = $"{path}: asset #{index}";
                if (element.ValueKind != JsonValueKind.Object)
                    throw SeedtexException.Argument($"{where} must be an object");
                string id = element.TryGetProperty("id", out var idElement) && idElement.ValueKind == JsonValueKind.String
                    ? idElement.GetString()!
                    : throw SeedtexException.Argument($"{where}: \"id\" is required (a name of [a-z0-9_.-])");
                CheckId(id, where);
                where = $"{path}: asset '{id}'";
                if (!ids.Add(id))
                    throw SeedtexException.Argument($"{where}: the id is used twice; ids must be unique");
                if (!element.TryGetProperty("prompt", out var promptElement) || promptElement.ValueKind != JsonValueKind.String
                    || string.IsNullOrWhiteSpace(promptElement.GetString()))
                    throw SeedtexException.Argument($"{where}: \"prompt\" is required and must be non-empty text");
                if (!element.TryGetProperty("seed", out var seedElement) || !seedElement.TryGetInt64(out long seed))
                    throw SeedtexException.Argument($"{where}: \"seed\" is required and must be an integer");
                var request = ReadFields(element, defaults with { Prompt = promptElement.GetString()!, Seed = seed }, where, allowAssetFields: true);
                assets.Add(new BakeAsset(id, request));
            }
            return new BakeManifest(path, pack, assets);
        }
    }

    /// <summary>Ids become names in packs and file names in exports, so they must not be paths.</summary>
    public static void CheckId(string id, string where)
    {
        bool valid = id.Length is >= 1 and <= 64 && id is not ("." or "..") && !id.Contains("..", StringComparison.Ordinal)
            && id.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_' or '.' or '-');
        if (!valid)
            throw SeedtexException.Argument($"{where}: id '{id}' must be 1-64 characters of a-z, 0-9, '_', '.', '-' without '..'");
    }

    private static string ResolvePackPath(string manifestPath, JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(element.GetString()))
            throw SeedtexException.Argument($"{manifestPath}: \"pack\" must be a relative file path");
        string relative = element.GetString()!;
        string folder = Path.GetDirectoryName(manifestPath)!;
        string full = Path.GetFullPath(Path.Combine(folder, relative));
        if (Path.IsPathRooted(relative) || !full.StartsWith(folder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
            throw SeedtexException.Argument($"{manifestPath}: pack path '{relative}' leaves the manifest's folder; use a path inside it, or pass --pack");
        return full;
    }

    private static TextureRequest ReadFields(JsonElement element, TextureRequest request, string where, bool allowAssetFields)
    {
        if (element.ValueKind != JsonValueKind.Object)
            throw SeedtexException.Argument($"{where} must be an object");
        foreach (var field in element.EnumerateObject())
        {
            var value = field.Value;
            if (AssetOnlyFields.Contains(field.Name))
            {
                if (!allowAssetFields)
                    throw SeedtexException.Argument($"{where}: '{field.Name}' belongs to each asset, not to defaults");
                continue;
            }
            if (!SharedFields.Contains(field.Name))
                throw SeedtexException.Argument($"{where}: unknown field '{field.Name}' (known: {string.Join(", ", AssetOnlyFields.Concat(SharedFields))})");
            string at = $"{where}: '{field.Name}'";
            request = field.Name switch
            {
                "negative_prompt" => request with { NegativePrompt = String(value, at) },
                "size" => ReadSize(value, at, request),
                "steps" => request with { Steps = Int(value, at, 0, 1000) },
                "guidance" => request with { Guidance = value.ValueKind == JsonValueKind.Null ? float.NaN : Number(value, at) },
                "scheduler" => request with { Scheduler = String(value, at) },
                "tiling" => request with { Tiling = Choice(value, at, TilingNames) },
                "kind" => request with { Kind = Choice(value, at, KindNames) },
                "outputs" => request with { Outputs = ReadOutputs(value, at) },
                _ => request with { Format = Choice(value, at, FormatNames) },
            };
        }
        return request;
    }

    private static readonly Dictionary<string, TileAxes> TilingNames = new() { ["none"] = TileAxes.None, ["x"] = TileAxes.X, ["y"] = TileAxes.Y, ["xy"] = TileAxes.XY };
    private static readonly Dictionary<string, PipelineKind> KindNames = new() { ["texture"] = PipelineKind.TextToImage, ["backdrop"] = PipelineKind.Backdrop };
    private static readonly Dictionary<string, PixelFormat> FormatNames = new()
    {
        ["rgba8_srgb"] = PixelFormat.Rgba8Srgb, ["rgba8_unorm"] = PixelFormat.Rgba8Unorm,
        ["rgba16_float"] = PixelFormat.Rgba16Float, ["rgba32_float"] = PixelFormat.Rgba32Float,
    };
    private static readonly Dictionary<string, TextureOutputs> OutputNames = new()
    {
        ["albedo"] = TextureOutputs.Albedo, ["normal"] = TextureOutputs.Normal, ["height"] = TextureOutputs.Height,
        ["roughness"] = TextureOutputs.Roughness, ["ao"] = TextureOutputs.AmbientOcclusion, ["cubemap"] = TextureOutputs.Cubemap,
    };

    private static TextureRequest ReadSize(JsonElement value, string at, TextureRequest request)
    {
        const int Max = StoredTexture.MaxDimension;
        if (value.ValueKind == JsonValueKind.Number)
        {
            int size = Int(value, at, 8, Max);
            return request with { Width = size, Height = size };
        }
        if (value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 2)
            return request with { Width = Int(value[0], at, 8, Max), Height = Int(value[1], at, 8, Max) };
        throw SeedtexException.Argument($"{at} must be a number (square) or [width, height]");
    }

    private static TextureOutputs ReadOutputs(JsonElement value, string at)
    {
        if (value.ValueKind != JsonValueKind.Array || value.GetArrayLength() == 0)
            throw SeedtexException.Argument($"{at} must be a non-empty array of {string.Join(", ", OutputNames.Keys)}");
        TextureOutputs outputs = 0;
        foreach (var item in value.EnumerateArray())
            outputs |= Choice(item, at, OutputNames);
        return outputs;
    }

    private static T Choice<T>(JsonElement value, string at, Dictionary<string, T> names) =>
        value.ValueKind == JsonValueKind.String && names.TryGetValue(value.GetString()!, out var result)
            ? result
            : throw SeedtexException.Argument($"{at} must be one of {string.Join(", ", names.Keys)}");

    private static string String(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.String ? value.GetString()! : throw SeedtexException.Argument($"{at} must be text");

    private static int Int(JsonElement value, string at, int min, int max) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int result) && result >= min && result <= max
            ? result
            : throw SeedtexException.Argument($"{at} must be an integer from {min} to {max}");

    private static float Number(JsonElement value, string at) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float result) && float.IsFinite(result)
            ? result
            : throw SeedtexException.Argument($"{at} must be a number or null");
}
