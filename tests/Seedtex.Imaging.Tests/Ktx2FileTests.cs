using System.Buffers.Binary;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class Ktx2FileTests
{
    private static TextureData Cube(PixelFormat format, int size)
    {
        long bytes = TextureData.ByteCount(format, size, size, TextureData.FullMipCount(size, size), 6);
        var pixels = new byte[bytes];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(i * 31 + i / 7);
        return new TextureData(format, size, size, TextureData.FullMipCount(size, size), 6, pixels);
    }

    private static uint U32(byte[] file, int offset) => BinaryPrimitives.ReadUInt32LittleEndian(file.AsSpan(offset));

    [Theory]
    [InlineData(PixelFormat.Rgba8Srgb, 43u)]
    [InlineData(PixelFormat.Rgba8Unorm, 37u)]
    [InlineData(PixelFormat.Rgba16Float, 97u)]
    public void Cubemap_with_mips_round_trips_and_the_header_says_what_it_is(PixelFormat format, uint vkFormat)
    {
        var cube = Cube(format, 16);
        byte[] file = Ktx2File.Encode(cube, "seedtex test");
        Assert.Equal(new byte[] { 0xAB, 0x4B, 0x54, 0x58, 0x20, 0x32, 0x30, 0xBB, 0x0D, 0x0A, 0x1A, 0x0A }, file[..12]);
        Assert.Equal(vkFormat, U32(file, 12));
        Assert.Equal(format == PixelFormat.Rgba16Float ? 2u : 1u, U32(file, 16));
        Assert.Equal((16u, 16u, 0u, 0u, 6u, 5u, 0u), (U32(file, 20), U32(file, 24), U32(file, 28), U32(file, 32), U32(file, 36), U32(file, 40), U32(file, 44)));

        var back = Ktx2File.Decode(file);
        Assert.Equal((cube.Format, cube.Width, cube.MipCount, cube.FaceCount), (back.Format, back.Width, back.MipCount, back.FaceCount));
        Assert.Equal(cube.Pixels.ToArray(), back.Pixels.ToArray());
    }

    [Fact]
    public void Levels_are_stored_smallest_first_aligned_with_faces_together()
    {
        var cube = Cube(PixelFormat.Rgba16Float, 8);
        byte[] file = Ktx2File.Encode(cube, "w");
        var offsets = Enumerable.Range(0, cube.MipCount).Select(l => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(80 + 24 * l))).ToArray();
        var lengths = Enumerable.Range(0, cube.MipCount).Select(l => BinaryPrimitives.ReadUInt64LittleEndian(file.AsSpan(80 + 24 * l + 8))).ToArray();
        Assert.Equal(8ul * 8 * 8 * 6, lengths[0]);
        Assert.All(offsets, o => Assert.Equal(0ul, o % 8)); // lcm(8-byte texels, 4)
        Assert.True(offsets[^1] < offsets[0], "the smallest level comes first in the file");
        Assert.Equal((ulong)file.Length, offsets[0] + lengths[0]);
        // Face 3 of level 1 sits right after faces 0..2 of level 1.
        var level1 = cube.Level(3, 1);
        Assert.Equal(cube.LevelPixels(3, 1).ToArray(), file.AsSpan((int)offsets[1] + 3 * (int)level1.Length, (int)level1.Length).ToArray());
    }

    [Fact]
    public void Descriptor_marks_srgb_transfer_and_linear_alpha()
    {
        byte[] file = Ktx2File.Encode(Cube(PixelFormat.Rgba8Srgb, 4), "w");
        int dfd = (int)U32(file, 48);
        Assert.Equal(U32(file, 52), U32(file, dfd));
        Assert.Equal((byte)1, file[dfd + 12]); // RGBSDA
        Assert.Equal((byte)2, file[dfd + 14]); // sRGB transfer
        Assert.Equal((byte)(15 | 0x10), file[dfd + 28 + 48 + 3]); // alpha sample: linear
        string kvd = System.Text.Encoding.ASCII.GetString(file, (int)U32(file, 56), (int)U32(file, 60));
        Assert.Contains("KTXorientation\0rd\0", kvd, StringComparison.Ordinal);
    }

    [Fact]
    public void Damaged_files_are_corrupt_not_crashes()
    {
        byte[] file = Ktx2File.Encode(Cube(PixelFormat.Rgba8Srgb, 8), "w");
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => Ktx2File.Decode(file.AsSpan(0, 40))).Kind);
        var lying = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(lying.AsSpan(80), ulong.MaxValue / 2);
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => Ktx2File.Decode(lying)).Kind);
        var truncated = file[..^10];
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => Ktx2File.Decode(truncated)).Kind);
    }
}
