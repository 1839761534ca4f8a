using Seedtex.Cache;
using Seedtex.Core;

namespace Seedtex.Cache.Testing;

/// <summary>
/// Entries whose pixels follow from their number, so any process can check a hit byte for byte without having
/// written it. Even numbers get smooth pixels (stored LZ4-compressed), odd numbers noise (stored raw).
/// Compiled into both the worker and the test project.
/// </summary>
public static class TestEntries
{
    public static readonly CacheKeyContext Context = new("5eed7e5700000000000000000000000000000000000000000000000000000000");

    public static TextureRequest Request(int n, int size) => new()
    {
        Prompt = $"test entry {n}",
        Seed = n,
        Width = size,
        Height = size,
        Steps = 4,
        Guidance = 5f,
        Scheduler = "euler",
    };

    public static CacheKey Key(int n, int size) => CacheKey.Compute(Request(n, size), Context);

    public static byte[] Pixels(int n, int size)
    {
        int mips = TextureData.FullMipCount(size, size);
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Srgb, size, size, mips, 1)];
        uint state = (uint)n * 2654435761u + 1;
        for (int i = 0; i < pixels.Length; i++)
        {
            if (n % 2 == 0)
                pixels[i] = (byte)(i / 64 + n);
            else
            {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                pixels[i] = (byte)state;
            }
        }
        return pixels;
    }

    public static CacheEntry Entry(int n, int size)
    {
        var texture = new TextureData(PixelFormat.Rgba8Srgb, size, size, TextureData.FullMipCount(size, size), 1, Pixels(n, size));
        return new CacheEntry(texture, CacheEntryMetadata.Describe(Request(n, size), Context.ModelFingerprint, TimeSpan.FromMilliseconds(n)));
    }

    /// <summary>True when a served entry is exactly entry <paramref name="n"/>: pixels, shape and metadata.</summary>
    public static bool Matches(CacheEntry entry, int n, int size) =>
        entry.Texture.Width == size && entry.Texture.Height == size
        && entry.Texture.Pixels.Span.SequenceEqual(Pixels(n, size))
        && entry.Metadata.Request.Prompt == $"test entry {n}" && entry.Metadata.Request.Seed == n;
}
