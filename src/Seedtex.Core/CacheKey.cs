using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Seedtex.Core;

/// <summary>
/// The identity of a generated texture: SHA-256 over a canonical MessagePack map of everything that changes a
/// pixel. Equal keys mean equal pixels (same provider and thread count), so a cache may serve one for the other.
/// Printed as 64 lowercase hex digits.
/// </summary>
public readonly struct CacheKey : IEquatable<CacheKey>, IComparable<CacheKey>
{
    /// <summary>
    /// Bump when the pipeline's numbers change (scheduler maths, colour conversion, mip filter, ...): every
    /// earlier key then misses instead of serving pixels the new code would not make.
    /// </summary>
    public const int AlgorithmVersion = 1;

    public const int Size = 32;

    // Four big-endian words: comparing them in order is comparing the bytes, and equality is four compares.
    private readonly ulong _a, _b, _c, _d;

    public CacheKey(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Size)
            throw new ArgumentException($"a cache key is {Size} bytes, got {bytes.Length}", nameof(bytes));
        _a = BinaryPrimitives.ReadUInt64BigEndian(bytes);
        _b = BinaryPrimitives.ReadUInt64BigEndian(bytes[8..]);
        _c = BinaryPrimitives.ReadUInt64BigEndian(bytes[16..]);
        _d = BinaryPrimitives.ReadUInt64BigEndian(bytes[24..]);
    }

    /// <summary>
    /// The key of a resolved request (<see cref="ITextureGenerator.Resolve"/>): model defaults must already be
    /// filled in, so asking for the default and asking for its value give one key.
    /// </summary>
    public static CacheKey Compute(TextureRequest resolved, CacheKeyContext context)
    {
        ArgumentNullException.ThrowIfNull(resolved);
        ArgumentNullException.ThrowIfNull(context);
        string prompt = PromptText.Normalize(resolved.Prompt);
        string negative = PromptText.Normalize(resolved.NegativePrompt);
        int size = CanonicalSizeBound(resolved, prompt, negative, context);
        byte[]? rented = size > 2048 ? ArrayPool<byte>.Shared.Rent(size) : null;
        try
        {
            var writer = new CanonicalPackWriter(rented ?? stackalloc byte[2048]);
            WriteRequest(ref writer, resolved, prompt, negative, context);
            return FromHash(writer.Written);
        }
        finally
        {
            if (rented != null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>The canonical MessagePack bytes <see cref="Compute"/> hashes; for tools and tests that inspect a key.</summary>
    public static byte[] CanonicalBytes(TextureRequest resolved, CacheKeyContext context)
    {
        string prompt = PromptText.Normalize(resolved.Prompt);
        string negative = PromptText.Normalize(resolved.NegativePrompt);
        var buffer = new byte[CanonicalSizeBound(resolved, prompt, negative, context)];
        var writer = new CanonicalPackWriter(buffer);
        WriteRequest(ref writer, resolved, prompt, negative, context);
        return writer.Written.ToArray();
    }

    /// <summary>
    /// The key of a map derived from another entry (normal map, cubemap): it changes whenever the parent's
    /// pixels would, and with the derivation's own settings.
    /// </summary>
    public static CacheKey Derive(CacheKey parent, string output, string settings = "")
    {
        ArgumentException.ThrowIfNullOrEmpty(output);
        ArgumentNullException.ThrowIfNull(settings);
        int size = 128 + CanonicalPackWriter.MaxStringSize(output) + CanonicalPackWriter.MaxStringSize(settings);
        byte[]? rented = size > 1024 ? ArrayPool<byte>.Shared.Rent(size) : null;
        try
        {
            var writer = new CanonicalPackWriter(rented ?? stackalloc byte[1024]);
            Span<byte> parentBytes = stackalloc byte[Size];
            parent.CopyTo(parentBytes);
            writer.WriteMapHeader(4);
            writer.WriteField("algorithm", AlgorithmVersion);
            writer.WriteString("parent");
            writer.WriteBinary(parentBytes);
            writer.WriteField("output", output);
            writer.WriteField("settings", settings);
            return FromHash(writer.Written);
        }
        finally
        {
            if (rented != null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>SHA-256 of an img2img source picture, as it enters the key.</summary>
    public static byte[] SourceHash(ReadOnlySpan<byte> initImage) => SHA256.HashData(initImage);

    private static int CanonicalSizeBound(TextureRequest r, string prompt, string negative, CacheKeyContext context) =>
        512 + CanonicalPackWriter.MaxStringSize(prompt) + CanonicalPackWriter.MaxStringSize(negative)
        + CanonicalPackWriter.MaxStringSize(r.Scheduler) + CanonicalPackWriter.MaxStringSize(context.ModelFingerprint)
        + CanonicalPackWriter.MaxStringSize(context.SchedulerSettings) + CanonicalPackWriter.MaxStringSize(context.LongPromptPolicy)
        + CanonicalPackWriter.MaxStringSize(context.RngKind);

    private static void WriteRequest(ref CanonicalPackWriter writer, TextureRequest r, string prompt, string negative, CacheKeyContext context)
    {
        if (r.Steps <= 0 || !float.IsFinite(r.Guidance) || string.IsNullOrEmpty(r.Scheduler))
            throw SeedtexException.Argument(
                $"cache keys are made from resolved requests, but this one has steps {r.Steps}, guidance {r.Guidance}, scheduler '{r.Scheduler}': call ITextureGenerator.Resolve first");
        if (string.IsNullOrEmpty(context.ModelFingerprint))
            throw SeedtexException.Argument("a cache key needs the model fingerprint: pass ITextureGenerator.ModelFingerprint in the CacheKeyContext");
        bool imageToImage = r.Kind == PipelineKind.ImageToImage;
        if (imageToImage && r.InitImage is null)
            throw SeedtexException.Argument("an img2img request needs InitImage: set the source picture's RGBA8 pixels");

        writer.WriteMapHeader(19);
        writer.WriteField("algorithm", AlgorithmVersion);
        writer.WriteField("model", context.ModelFingerprint);
        writer.WriteField("pipeline", r.Kind switch
        {
            PipelineKind.TextToImage => "txt2img",
            PipelineKind.ImageToImage => "img2img",
            PipelineKind.Backdrop => "backdrop",
            _ => throw SeedtexException.Argument($"pipeline kind {(int)r.Kind} is not one of txt2img, img2img, backdrop"),
        });
        writer.WriteField("prompt", prompt);
        writer.WriteField("negative_prompt", negative);
        writer.WriteField("long_prompt_policy", context.LongPromptPolicy);
        writer.WriteField("seed", r.Seed);
        writer.WriteField("rng", context.RngKind);
        writer.WriteField("scheduler", r.Scheduler);
        writer.WriteField("scheduler_settings", context.SchedulerSettings);
        writer.WriteField("steps", r.Steps);
        writer.WriteString("guidance");
        writer.WriteFloat(r.Guidance);
        writer.WriteField("width", r.Width);
        writer.WriteField("height", r.Height);
        writer.WriteField("tiling", r.Tiling switch
        {
            TileAxes.None => "none",
            TileAxes.X => "x",
            TileAxes.Y => "y",
            TileAxes.XY => "xy",
            _ => throw SeedtexException.Argument($"tiling {(int)r.Tiling} is not one of none, x, y, xy"),
        });
        // Source and strength only change img2img pixels; leaving them out of other kinds keeps a stray
        // Strength value on a txt2img request from splitting its key.
        writer.WriteString("source_sha256");
        if (imageToImage)
        {
            Span<byte> sourceHash = stackalloc byte[32];
            SHA256.HashData(r.InitImage!.Value.Span, sourceHash);
            writer.WriteBinary(sourceHash);
        }
        else
            writer.WriteNil();
        writer.WriteString("strength");
        if (imageToImage)
            writer.WriteFloat(r.Strength);
        else
            writer.WriteNil();
        writer.WriteField("outputs", (long)r.Outputs);
        writer.WriteField("format", r.Format switch
        {
            PixelFormat.Rgba8Srgb => "rgba8_srgb",
            PixelFormat.Rgba8Unorm => "rgba8_unorm",
            PixelFormat.Rgba16Float => "rgba16_float",
            PixelFormat.Rgba32Float => "rgba32_float",
            _ => throw SeedtexException.Argument($"pixel format {(int)r.Format} is not a Seedtex format"),
        });
    }

    private static CacheKey FromHash(ReadOnlySpan<byte> canonical)
    {
        Span<byte> hash = stackalloc byte[Size];
        SHA256.HashData(canonical, hash);
        return new CacheKey(hash);
    }

    public void CopyTo(Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt64BigEndian(destination, _a);
        BinaryPrimitives.WriteUInt64BigEndian(destination[8..], _b);
        BinaryPrimitives.WriteUInt64BigEndian(destination[16..], _c);
        BinaryPrimitives.WriteUInt64BigEndian(destination[24..], _d);
    }

    public byte[] ToArray()
    {
        var bytes = new byte[Size];
        CopyTo(bytes);
        return bytes;
    }

    public override string ToString()
    {
        Span<byte> bytes = stackalloc byte[Size];
        CopyTo(bytes);
        return Convert.ToHexStringLower(bytes);
    }

    public static bool TryParse(string? text, out CacheKey key)
    {
        key = default;
        if (text is null || text.Length != Size * 2)
            return false;
        Span<byte> bytes = stackalloc byte[Size];
        if (Convert.FromHexString(text, bytes, out _, out int written) != OperationStatus.Done || written != Size)
            return false;
        key = new CacheKey(bytes);
        return true;
    }

    public static CacheKey Parse(string text) => TryParse(text, out var key)
        ? key
        : throw SeedtexException.Argument($"'{text}' is not a cache key: expected {Size * 2} hex digits");

    public bool Equals(CacheKey other) => _a == other._a && _b == other._b && _c == other._c && _d == other._d;

    public override bool Equals(object? obj) => obj is CacheKey other && Equals(other);

    // The bytes are a SHA-256, already uniformly spread: any 32 bits make a good hash code.
    public override int GetHashCode() => (int)_a;

    public int CompareTo(CacheKey other)
    {
        int c = _a.CompareTo(other._a);
        if (c == 0) c = _b.CompareTo(other._b);
        if (c == 0) c = _c.CompareTo(other._c);
        if (c == 0) c = _d.CompareTo(other._d);
        return c;
    }

    public static bool operator ==(CacheKey left, CacheKey right) => left.Equals(right);
    public static bool operator !=(CacheKey left, CacheKey right) => !left.Equals(right);
    public static bool operator <(CacheKey left, CacheKey right) => left.CompareTo(right) < 0;
    public static bool operator >(CacheKey left, CacheKey right) => left.CompareTo(right) > 0;
    public static bool operator <=(CacheKey left, CacheKey right) => left.CompareTo(right) <= 0;
    public static bool operator >=(CacheKey left, CacheKey right) => left.CompareTo(right) >= 0;
}
