using System.Buffers.Binary;
using System.IO.Hashing;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// The .stxpack file: what a bake ships to the game. Read-only, memory-mapped, every byte under a checksum.
/// </summary>
/// <remarks>
/// Little-endian. Header (64 bytes):
/// <code>
///  0 magic "STXPACK\0"   8     8 format version u16, reserved u16 (0), entry count i32
/// 16 index offset (64) i64     24 data offset (first slot, 4 KiB aligned) i64     32 file length i64
/// 40 XxHash3-64 of bytes 64..data offset (index and its zero padding)      48 reserved u64 (0)
/// 56 XxHash3-64 of header bytes 0..56
/// </code>
/// Index: one 96-byte record per entry, sorted by key:
/// <code>
///  0 key 32    32 slot offset i64    40 slot length i64    48 pixel byte count i64    56 metadata length i32
/// 60 pixel format u16    62 face count u16    64 width i32    68 height i32    72 mip count i32    76 reserved i32 (0)
/// 80 XxHash3-64 of the whole slot    88 reserved u64 (0)
/// </code>
/// Slots follow in index order, back to back, each starting on a 4 KiB boundary (so pixels can be uploaded
/// or mapped page-aligned): pixels, then metadata (MessagePack), then zeros up to the next boundary.
/// </remarks>
internal static class PackLayout
{
    public const int HeaderSize = 64;
    public const int IndexEntrySize = 96;
    public const int Alignment = 4096;
    public const ushort FormatVersion = 1;

    public static ReadOnlySpan<byte> Magic => "STXPACK\0"u8;

    public static long Align(long offset) => (offset + Alignment - 1) & ~(long)(Alignment - 1);

    public static long DataOffset(int entryCount) => Align(HeaderSize + (long)entryCount * IndexEntrySize);

    public readonly record struct IndexEntry(
        CacheKey Key, long SlotOffset, long SlotLength, long PixelBytes, int MetadataLength,
        PixelFormat Format, int FaceCount, int Width, int Height, int MipCount, ulong Checksum);

    public static void WriteHeader(Span<byte> header, int entryCount, long dataOffset, long fileLength, ulong indexChecksum)
    {
        header[..HeaderSize].Clear();
        Magic.CopyTo(header);
        BinaryPrimitives.WriteUInt16LittleEndian(header[8..], FormatVersion);
        BinaryPrimitives.WriteInt32LittleEndian(header[12..], entryCount);
        BinaryPrimitives.WriteInt64LittleEndian(header[16..], HeaderSize);
        BinaryPrimitives.WriteInt64LittleEndian(header[24..], dataOffset);
        BinaryPrimitives.WriteInt64LittleEndian(header[32..], fileLength);
        BinaryPrimitives.WriteUInt64LittleEndian(header[40..], indexChecksum);
        BinaryPrimitives.WriteUInt64LittleEndian(header[56..], XxHash3.HashToUInt64(header[..56]));
    }

    public static void WriteIndexEntry(Span<byte> record, in IndexEntry e)
    {
        record[..IndexEntrySize].Clear();
        e.Key.CopyTo(record);
        BinaryPrimitives.WriteInt64LittleEndian(record[32..], e.SlotOffset);
        BinaryPrimitives.WriteInt64LittleEndian(record[40..], e.SlotLength);
        BinaryPrimitives.WriteInt64LittleEndian(record[48..], e.PixelBytes);
        BinaryPrimitives.WriteInt32LittleEndian(record[56..], e.MetadataLength);
        BinaryPrimitives.WriteUInt16LittleEndian(record[60..], (ushort)e.Format);
        BinaryPrimitives.WriteUInt16LittleEndian(record[62..], (ushort)e.FaceCount);
        BinaryPrimitives.WriteInt32LittleEndian(record[64..], e.Width);
        BinaryPrimitives.WriteInt32LittleEndian(record[68..], e.Height);
        BinaryPrimitives.WriteInt32LittleEndian(record[72..], e.MipCount);
        BinaryPrimitives.WriteUInt64LittleEndian(record[80..], e.Checksum);
    }

    /// <summary>Parses and checks one index record against the pack's layout; <paramref name="expectedSlot"/> is where it must start.</summary>
    public static IndexEntry ReadIndexEntry(ReadOnlySpan<byte> record, string where, long expectedSlot, long fileLength)
    {
        var key = new CacheKey(record[..32]);
        string at = $"{where}, entry {key}";
        if (BinaryPrimitives.ReadInt32LittleEndian(record[76..]) != 0 || BinaryPrimitives.ReadUInt64LittleEndian(record[88..]) != 0)
            throw StoredTexture.Corrupt(at, "reserved index fields are not zero");
        int format = BinaryPrimitives.ReadUInt16LittleEndian(record[60..]);
        int faces = BinaryPrimitives.ReadUInt16LittleEndian(record[62..]);
        int width = BinaryPrimitives.ReadInt32LittleEndian(record[64..]);
        int height = BinaryPrimitives.ReadInt32LittleEndian(record[68..]);
        int mips = BinaryPrimitives.ReadInt32LittleEndian(record[72..]);
        long pixelBytes = StoredTexture.CheckShape(at, format, width, height, mips, faces);
        long claimedPixels = BinaryPrimitives.ReadInt64LittleEndian(record[48..]);
        if (claimedPixels != pixelBytes)
            throw StoredTexture.Corrupt(at, $"pixel byte count {claimedPixels} does not match the texture's {pixelBytes}");
        int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(record[56..]);
        if (metadataLength is < 0 or > MetadataSerializer.MaxBytes)
            throw StoredTexture.Corrupt(at, $"metadata length {metadataLength} is outside 0..{MetadataSerializer.MaxBytes}");
        long slotOffset = BinaryPrimitives.ReadInt64LittleEndian(record[32..]);
        long slotLength = BinaryPrimitives.ReadInt64LittleEndian(record[40..]);
        if (slotOffset != expectedSlot || slotLength != Align(pixelBytes + metadataLength) || slotOffset + slotLength > fileLength)
            throw StoredTexture.Corrupt(at, $"slot {slotOffset}+{slotLength} does not follow the previous slot at {expectedSlot} inside the {fileLength}-byte file");
        return new IndexEntry(key, slotOffset, slotLength, pixelBytes, metadataLength, (PixelFormat)format, faces, width, height, mips,
            BinaryPrimitives.ReadUInt64LittleEndian(record[80..]));
    }
}
