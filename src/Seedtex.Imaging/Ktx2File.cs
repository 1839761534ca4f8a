using System.Buffers.Binary;
using System.Text;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// KTX 2.0 files (Khronos), the container engines import for textures with mips and cubemaps: uncompressed
/// RGBA8 (sRGB or UNORM) and RGBA16F, one layer, 1 or 6 faces, any number of levels. Written per the spec: header,
/// level index (level 0 first), a basic data format descriptor, key/value data (orientation, writer), then the
/// levels from the smallest to the largest, each aligned to lcm(texel size, 4), faces in +X..-Z order within a level.
/// </summary>
public static class Ktx2File
{
    private static readonly byte[] Identifier = [0xAB, 0x4B, 0x54, 0x58, 0x20, 0x32, 0x30, 0xBB, 0x0D, 0x0A, 0x1A, 0x0A];
    private const int HeaderBytes = 80;
    private const int LevelIndexEntryBytes = 24;

    public static byte[] Encode(TextureData texture, string writer)
    {
        var (vkFormat, typeSize) = VulkanFormat(texture.Format);
        int texelBytes = texture.Format.BytesPerPixel();
        byte[] dfd = DataFormatDescriptor(texture.Format);
        byte[] kvd = KeyValueData([("KTXorientation", "rd"), ("KTXwriter", writer)]);

        int dfdOffset = HeaderBytes + LevelIndexEntryBytes * texture.MipCount;
        int kvdOffset = dfdOffset + dfd.Length;
        long position = kvdOffset + kvd.Length;
        int alignment = Lcm(texelBytes, 4);

        // Levels go into the file smallest first; the index lists level 0 first.
        var levelOffsets = new long[texture.MipCount];
        var levelLengths = new long[texture.MipCount];
        for (int level = texture.MipCount - 1; level >= 0; level--)
        {
            position = Align(position, alignment);
            levelOffsets[level] = position;
            levelLengths[level] = texture.Level(0, level).Length * texture.FaceCount;
            position += levelLengths[level];
        }

        var file = new byte[position];
        var span = file.AsSpan();
        Identifier.CopyTo(span);
        uint[] header = [vkFormat, typeSize, (uint)texture.Width, (uint)texture.Height, 0, 0, (uint)texture.FaceCount, (uint)texture.MipCount, 0];
        for (int i = 0; i < header.Length; i++)
            BinaryPrimitives.WriteUInt32LittleEndian(span[(12 + 4 * i)..], header[i]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[48..], (uint)dfdOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[52..], (uint)dfd.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[56..], (uint)kvdOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(span[60..], (uint)kvd.Length);
        // sgdByteOffset and sgdByteLength stay 0: no supercompression.
        for (int level = 0; level < texture.MipCount; level++)
        {
            var entry = span[(HeaderBytes + LevelIndexEntryBytes * level)..];
            BinaryPrimitives.WriteUInt64LittleEndian(entry, (ulong)levelOffsets[level]);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[8..], (ulong)levelLengths[level]);
            BinaryPrimitives.WriteUInt64LittleEndian(entry[16..], (ulong)levelLengths[level]);
            long at = levelOffsets[level];
            for (int face = 0; face < texture.FaceCount; face++)
            {
                var pixels = texture.LevelPixels(face, level).Span;
                pixels.CopyTo(span[(int)at..]);
                at += pixels.Length;
            }
        }
        dfd.CopyTo(span[dfdOffset..]);
        kvd.CopyTo(span[kvdOffset..]);
        return file;
    }

    public static Task WriteAsync(string path, TextureData texture, string writer, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, Encode(texture, writer), cancellationToken);

    /// <summary>Reads a file this writer can write (uncompressed, one layer) back into a <see cref="TextureData"/>.</summary>
    public static TextureData Decode(ReadOnlySpan<byte> file)
    {
        if (file.Length < HeaderBytes || !file[..12].SequenceEqual(Identifier))
            throw new SeedtexException(SeedtexErrorKind.Corrupt, "not a KTX 2.0 file (identifier missing)");
        Span<uint> header = stackalloc uint[9];
        for (int i = 0; i < header.Length; i++)
            header[i] = BinaryPrimitives.ReadUInt32LittleEndian(file[(12 + 4 * i)..]);
        var format = header[0] switch
        {
            43 => PixelFormat.Rgba8Srgb,
            37 => PixelFormat.Rgba8Unorm,
            97 => PixelFormat.Rgba16Float,
            var other => throw new SeedtexException(SeedtexErrorKind.Corrupt, $"KTX2 vkFormat {other} is not one Seedtex reads (43, 37 or 97)"),
        };
        int width = (int)header[2], height = (int)header[3], faces = (int)header[6], levels = (int)header[7];
        if (header[4] != 0 || header[5] > 1 || header[8] != 0 || faces is not (1 or 6) || levels < 1 || levels > 16 || width < 1 || height < 1 || width > 16384 || height > 16384)
            throw new SeedtexException(SeedtexErrorKind.Corrupt, "KTX2 header describes something other than an uncompressed 2D texture or cubemap");
        long total = TextureData.ByteCount(format, width, height, levels, faces);
        var pixels = new byte[total];
        var layout = new TextureData(format, width, height, levels, faces, pixels);
        for (int level = 0; level < levels; level++)
        {
            var entry = file[(HeaderBytes + LevelIndexEntryBytes * level)..];
            ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(entry);
            ulong length = BinaryPrimitives.ReadUInt64LittleEndian(entry[8..]);
            long faceBytes = layout.Level(0, level).Length;
            if (length != (ulong)(faceBytes * faces) || offset + length > (ulong)file.Length)
                throw new SeedtexException(SeedtexErrorKind.Corrupt, $"KTX2 level {level} index points outside the file or has the wrong size");
            for (int face = 0; face < faces; face++)
                file.Slice((int)offset + (int)(face * faceBytes), (int)faceBytes).CopyTo(pixels.AsSpan((int)layout.Level(face, level).Offset));
        }
        return layout;
    }

    private static (uint VkFormat, uint TypeSize) VulkanFormat(PixelFormat format) => format switch
    {
        PixelFormat.Rgba8Srgb => (43, 1),
        PixelFormat.Rgba8Unorm => (37, 1),
        PixelFormat.Rgba16Float => (97, 2),
        _ => throw SeedtexException.Argument($"KTX2 output supports Rgba8Srgb, Rgba8Unorm and Rgba16Float, not {format}"),
    };

    /// <summary>The basic data format descriptor (Khronos Data Format 1.3) for an RGBA format: model RGBSDA, BT.709 primaries.</summary>
    private static byte[] DataFormatDescriptor(PixelFormat format)
    {
        bool half = format == PixelFormat.Rgba16Float;
        int bits = half ? 16 : 8;
        const int samples = 4, blockBytes = 24 + 16 * samples;
        var dfd = new byte[4 + blockBytes];
        var s = dfd.AsSpan();
        BinaryPrimitives.WriteUInt32LittleEndian(s, (uint)dfd.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], 0); // vendor Khronos, descriptor type basic
        BinaryPrimitives.WriteUInt16LittleEndian(s[8..], 2); // version 1.3
        BinaryPrimitives.WriteUInt16LittleEndian(s[10..], blockBytes);
        s[12] = 1; // KHR_DF_MODEL_RGBSDA
        s[13] = 1; // KHR_DF_PRIMARIES_BT709
        s[14] = (byte)(format == PixelFormat.Rgba8Srgb ? 2 : 1); // transfer: sRGB or linear
        s[15] = 0; // straight alpha
        // texel block dimensions 1x1x1x1 are stored as 0s; bytesPlane0 is the texel size.
        s[20] = (byte)format.BytesPerPixel();
        byte[] channels = [0, 1, 2, 15];
        for (int i = 0; i < samples; i++)
        {
            var sample = s[(28 + 16 * i)..];
            BinaryPrimitives.WriteUInt16LittleEndian(sample, (ushort)(bits * i));
            sample[2] = (byte)(bits - 1);
            byte qualifiers = half ? (byte)0xC0 : (byte)0; // float, signed
            if (format == PixelFormat.Rgba8Srgb && channels[i] == 15)
                qualifiers |= 0x10; // alpha is linear in an sRGB format
            sample[3] = (byte)(channels[i] | qualifiers);
            BinaryPrimitives.WriteUInt32LittleEndian(sample[8..], half ? 0xBF800000u : 0u);
            BinaryPrimitives.WriteUInt32LittleEndian(sample[12..], half ? 0x3F800000u : 255u);
        }
        return dfd;
    }

    private static byte[] KeyValueData(IEnumerable<(string Key, string Value)> pairs)
    {
        using var data = new MemoryStream();
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, value) in pairs.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            byte[] entry = [.. Encoding.UTF8.GetBytes(key), 0, .. Encoding.UTF8.GetBytes(value), 0];
            BinaryPrimitives.WriteUInt32LittleEndian(length, (uint)entry.Length);
            data.Write(length);
            data.Write(entry);
            while (data.Length % 4 != 0)
                data.WriteByte(0);
        }
        return data.ToArray();
    }

    private static long Align(long value, int alignment) => (value + alignment - 1) / alignment * alignment;

    private static int Lcm(int a, int b)
    {
        int x = a, y = b;
        while (y != 0)
            (x, y) = (y, x % y);
        return a / x * b;
    }
}
