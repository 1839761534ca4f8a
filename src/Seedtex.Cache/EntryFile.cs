using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using K4os.Compression.LZ4;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// The disk store's file for one entry: a fixed header, MessagePack metadata, then the texture's mip chain in
/// GPU-ready layout, LZ4-compressed when that saves space. A hit is a read, a checksum and at most one LZ4
/// decode straight into the texture's array: no PNG, no per-level copies.
/// </summary>
/// <remarks>
/// Header, little-endian:
/// <code>
///  0  magic "STXCACHE"          8
///  8  format version            u16
/// 10  compression (0 raw, 1 LZ4 block) u16
/// 12  pixel format              u16
/// 14  face count                u16
/// 16  width, height, mip count  3 x i32
/// 28  metadata length           i32
/// 32  stored payload length     i64
/// 40  pixel byte count          i64
/// 48  cache key                 32
/// 80  XxHash3-64 of bytes 0..80, the metadata and the stored payload   u64
/// </code>
/// </remarks>
internal static class EntryFile
{
    public const int HeaderSize = 88;
    public const ushort FormatVersion = 1;
    private const ushort Raw = 0, Lz4 = 1;
    private const int ChecksumOffset = 80;

    private static ReadOnlySpan<byte> Magic => "STXCACHE"u8;

    /// <summary>What the header says, checked for consistency but not yet against the checksum.</summary>
    public readonly record struct Header(
        CacheKey Key, PixelFormat Format, int Width, int Height, int MipCount, int FaceCount,
        bool Compressed, int MetadataLength, int StoredLength, int PixelBytes, ulong Checksum)
    {
        public long FileLength => HeaderSize + (long)MetadataLength + StoredLength;
    }

    /// <summary>Writes the whole entry; returns the byte count written.</summary>
    public static long Write(Stream stream, CacheKey key, CacheEntry entry)
    {
        var texture = entry.Texture;
        if (texture.Pixels.Length > StoredTexture.MaxPayloadBytes)
            throw SeedtexException.Argument($"a texture of {texture.Pixels.Length} bytes is over the cache's {StoredTexture.MaxPayloadBytes}-byte entry limit");
        byte[] metadata = MetadataSerializer.Serialize(entry.Metadata);
        if (metadata.Length > MetadataSerializer.MaxBytes)
            throw SeedtexException.Argument($"entry metadata of {metadata.Length} bytes is over the {MetadataSerializer.MaxBytes}-byte limit: shorten the prompt");
        ReadOnlySpan<byte> pixels = texture.Pixels.Span;
        byte[] compressed = ArrayPool<byte>.Shared.Rent(LZ4Codec.MaximumOutputSize(pixels.Length));
        try
        {
            int compressedLength = LZ4Codec.Encode(pixels, compressed, LZ4Level.L00_FAST);
            // Noise-like pixels barely shrink; storing them raw makes the hit a plain read.
            bool useLz4 = compressedLength > 0 && compressedLength < pixels.Length - pixels.Length / 16;
            ReadOnlySpan<byte> stored = useLz4 ? compressed.AsSpan(0, compressedLength) : pixels;

            Span<byte> header = stackalloc byte[HeaderSize];
            header.Clear();
            Magic.CopyTo(header);
            BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
            BinaryPrimitives.WriteUInt16LittleEndian(header[10..], useLz4 ? Lz4 : Raw);
            BinaryPrimitives.WriteUInt16LittleEndian(header[12..], (ushort)texture.Format);
            BinaryPrimitives.WriteUInt16LittleEndian(header[14..], (ushort)texture.FaceCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[16..], texture.Width);
            BinaryPrimitives.WriteInt32LittleEndian(header[20..], texture.Height);
            BinaryPrimitives.WriteInt32LittleEndian(header[24..], texture.MipCount);
            BinaryPrimitives.WriteInt32LittleEndian(header[28..], metadata.Length);
            BinaryPrimitives.WriteInt64LittleEndian(header[32..], stored.Length);
            BinaryPrimitives.WriteInt64LittleEndian(header[40..], pixels.Length);
            key.CopyTo(header[48..]);
            var hash = new XxHash3();
            hash.Append(header[..ChecksumOffset]);
            hash.Append(metadata);
            hash.Append(stored);
            BinaryPrimitives.WriteUInt64LittleEndian(header[ChecksumOffset..], hash.GetCurrentHashAsUInt64());

            stream.Write(header);
            stream.Write(metadata);
            stream.Write(stored);
            return HeaderSize + (long)metadata.Length + stored.Length;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(compressed);
        }
    }

    /// <summary>
    /// Reads and checks the header. Every length is checked against the file's real length and the texture shape
    /// before anything is allocated, so a header claiming gigabytes costs nothing.
    /// </summary>
    public static Header ReadHeader(Stream file, string where)
    {
        long fileLength = file.Length;
        if (fileLength < HeaderSize)
            throw StoredTexture.Corrupt(where, $"file is {fileLength} bytes, shorter than the {HeaderSize}-byte header");
        Span<byte> bytes = stackalloc byte[HeaderSize];
        file.ReadExactly(bytes);
        if (!bytes[..8].SequenceEqual(Magic))
            throw StoredTexture.Corrupt(where, "not a Seedtex cache entry (bad magic)");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(bytes[8..]);
        if (version != FormatVersion)
            throw StoredTexture.Corrupt(where, $"entry format {version} is not {FormatVersion}");
        int compression = BinaryPrimitives.ReadUInt16LittleEndian(bytes[10..]);
        if (compression is not (Raw or Lz4))
            throw StoredTexture.Corrupt(where, $"compression {compression} is unknown");
        int format = BinaryPrimitives.ReadUInt16LittleEndian(bytes[12..]);
        int faces = BinaryPrimitives.ReadUInt16LittleEndian(bytes[14..]);
        int width = BinaryPrimitives.ReadInt32LittleEndian(bytes[16..]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(bytes[20..]);
        int mips = BinaryPrimitives.ReadInt32LittleEndian(bytes[24..]);
        long pixelBytes = StoredTexture.CheckShape(where, format, width, height, mips, faces);
        int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(bytes[28..]);
        long storedLength = BinaryPrimitives.ReadInt64LittleEndian(bytes[32..]);
        long claimedPixelBytes = BinaryPrimitives.ReadInt64LittleEndian(bytes[40..]);
        if (claimedPixelBytes != pixelBytes)
            throw StoredTexture.Corrupt(where, $"pixel byte count {claimedPixelBytes} does not match the {width}x{height} texture's {pixelBytes}");
        if (metadataLength is < 0 or > MetadataSerializer.MaxBytes)
            throw StoredTexture.Corrupt(where, $"metadata length {metadataLength} is outside 0..{MetadataSerializer.MaxBytes}");
        bool compressed = compression == Lz4;
        long maxStored = compressed ? LZ4Codec.MaximumOutputSize((int)pixelBytes) : pixelBytes;
        if (storedLength < 1 || storedLength > maxStored || (!compressed && storedLength != pixelBytes))
            throw StoredTexture.Corrupt(where, $"stored payload length {storedLength} does not fit a {pixelBytes}-byte texture");
        long expected = HeaderSize + (long)metadataLength + storedLength;
        if (expected != fileLength)
            throw StoredTexture.Corrupt(where, $"file is {fileLength} bytes but its header describes {expected} (truncated or padded)");
        return new Header(new CacheKey(bytes[48..80]), (PixelFormat)format, width, height, mips, faces, compressed,
            metadataLength, (int)storedLength, (int)pixelBytes, BinaryPrimitives.ReadUInt64LittleEndian(bytes[ChecksumOffset..]));
    }

    /// <summary>Reads, checks and decodes a whole entry. Any damage is a <see cref="SeedtexErrorKind.Corrupt"/> error naming <paramref name="where"/>.</summary>
    public static CacheEntry Read(Stream file, CacheKey expectedKey, string where)
    {
        var header = ReadHeader(file, where);
        if (header.Key != expectedKey)
            throw StoredTexture.Corrupt(where, $"entry holds key {header.Key}, not {expectedKey}");
        var hash = new XxHash3();
        Span<byte> headerBytes = stackalloc byte[HeaderSize];
        file.Position = 0;
        file.ReadExactly(headerBytes);
        hash.Append(headerBytes[..ChecksumOffset]);

        byte[] metadata = new byte[header.MetadataLength];
        file.ReadExactly(metadata);
        hash.Append(metadata);
        byte[] pixels = GC.AllocateUninitializedArray<byte>(header.PixelBytes);
        if (!header.Compressed)
        {
            file.ReadExactly(pixels);
            hash.Append(pixels);
            CheckSum(hash, header, where);
        }
        else
        {
            byte[] stored = ArrayPool<byte>.Shared.Rent(header.StoredLength);
            try
            {
                file.ReadExactly(stored, 0, header.StoredLength);
                hash.Append(stored.AsSpan(0, header.StoredLength));
                CheckSum(hash, header, where);
                // The decoder never writes past the target, so a bad stream cannot overrun: it just fails the length check.
                int decoded = LZ4Codec.Decode(stored.AsSpan(0, header.StoredLength), pixels);
                if (decoded != header.PixelBytes)
                    throw StoredTexture.Corrupt(where, $"LZ4 payload decodes to {decoded} bytes, not {header.PixelBytes}");
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(stored);
            }
        }
        var texture = new TextureData(header.Format, header.Width, header.Height, header.MipCount, header.FaceCount, pixels);
        return new CacheEntry(texture, MetadataSerializer.Deserialize(metadata, where));
    }

    /// <summary>The header and metadata without reading or checking the pixels, for listings.</summary>
    public static (Header Header, CacheEntryMetadata Metadata) ReadDescription(Stream file, string where)
    {
        var header = ReadHeader(file, where);
        byte[] metadata = new byte[header.MetadataLength];
        file.ReadExactly(metadata);
        return (header, MetadataSerializer.Deserialize(metadata, where));
    }

    private static void CheckSum(XxHash3 hash, in Header header, string where)
    {
        ulong actual = hash.GetCurrentHashAsUInt64();
        if (actual != header.Checksum)
            throw StoredTexture.Corrupt(where, $"checksum {actual:x16} does not match the header's {header.Checksum:x16}");
    }
}
