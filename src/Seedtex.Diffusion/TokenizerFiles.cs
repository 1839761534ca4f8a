using System.Text.Json;
using Seedtex.Core;

namespace Seedtex.Diffusion;

/// <summary>Reads the JSON files of a diffusers/HF tokenizer folder, turning every problem into an
/// InvalidModel error that names the file.</summary>
internal static class TokenizerFiles
{
    // model_max_length values outside this range are HF's "no limit" placeholders (1e30), not window sizes.
    private const int MinUsableLength = 3;
    private const int MaxUsableLength = 2048;

    public static byte[] ReadRequired(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw SeedtexException.Model(
                $"Cannot read tokenizer file '{path}': {e.Message}. A CLIP tokenizer folder needs vocab.json and merges.txt.", e);
        }
    }

    /// <summary>vocab.json: one JSON object mapping each token to its integer id.</summary>
    public static Dictionary<string, int> ParseVocabulary(ReadOnlySpan<byte> json, string source)
    {
        // Editors on Windows may add a byte-order mark; the JSON reader would reject it.
        if (json.StartsWith("\uFEFF"u8))
            json = json[3..];
        try
        {
            var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                throw BadVocabulary(source, "it is not a JSON object");
            var vocab = new Dictionary<string, int>(json.Length / 16, StringComparer.Ordinal);
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var token = reader.GetString()!;
                if (!reader.Read() || reader.TokenType != JsonTokenType.Number || !reader.TryGetInt32(out var id) || id < 0)
                    throw BadVocabulary(source, $"the id of \"{token}\" is not a non-negative integer");
                vocab[token] = id;
            }
            if (reader.TokenType != JsonTokenType.EndObject)
                throw BadVocabulary(source, "it holds something other than token ids");
            return vocab;
        }
        catch (JsonException e)
        {
            throw SeedtexException.Model($"{source} is not valid JSON ({e.Message}). Use the vocab.json that came with the model.", e);
        }
    }

    /// <summary>Pad token and window size from special_tokens_map.json and tokenizer_config.json, where present.</summary>
    public static ClipTokenizerOptions ReadOptions(string folder)
    {
        var specialTokens = ReadOptionalJson(Path.Combine(folder, "special_tokens_map.json"));
        var config = ReadOptionalJson(Path.Combine(folder, "tokenizer_config.json"));
        var options = new ClipTokenizerOptions
        {
            // HF lets special_tokens_map.json override tokenizer_config.json.
            PadToken = TokenText(specialTokens, "pad_token") ?? TokenText(config, "pad_token"),
        };
        if (config is { } c && c.TryGetProperty("model_max_length", out var length) && length.ValueKind == JsonValueKind.Number
            && length.TryGetInt32(out var maxLength) && maxLength is >= MinUsableLength and <= MaxUsableLength)
        {
            options = options with { MaxLength = maxLength };
        }
        return options;
    }

    private static JsonElement? ReadOptionalJson(string path)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var document = JsonDocument.Parse(File.ReadAllBytes(path));
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? document.RootElement.Clone()
                : throw SeedtexException.Model($"{path} is not a JSON object. Fix or delete it; it is optional.");
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            throw SeedtexException.Model($"Cannot read '{path}': {e.Message}. Fix or delete it; it is optional.", e);
        }
    }

    // A special token is written either as its text or as {"content": text, ...} (AddedToken).
    private static string? TokenText(JsonElement? file, string key)
    {
        if (file is not { } root || !root.TryGetProperty(key, out var value))
            return null;
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.Object when value.TryGetProperty("content", out var content) && content.ValueKind == JsonValueKind.String => content.GetString(),
            _ => null,
        };
    }

    private static SeedtexException BadVocabulary(string source, string problem) =>
        SeedtexException.Model($"{source} is not a CLIP vocabulary: {problem}. Use the vocab.json that came with the model.");
}
