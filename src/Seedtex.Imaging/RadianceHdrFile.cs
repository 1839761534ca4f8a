using System.Text;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// Radiance .hdr (RGBE) files, the equirectangular sky format engines import for image-based lighting. Written with
/// new-style run-length scanlines (literal packets only, which every reader decodes), read back with runs too.
/// Pixels are linear RGB floats, rows top to bottom.
/// </summary>
public static class RadianceHdrFile
{
    public static byte[] Encode(ReadOnlySpan<float> rgb, int width, int height)
    {
        if (width < 8 || width > 0x7FFF || height < 1 || rgb.Length != width * height * 3)
            throw SeedtexException.Argument($"an HDR image needs 8..32767 columns and {width * height * 3} floats for {width}x{height}; got {rgb.Length}");
        using var output = new MemoryStream();
        output.Write(Encoding.ASCII.GetBytes($"#?RADIANCE\nFORMAT=32-bit_rle_rgbe\nSOFTWARE=seedtex\n\n-Y {height} +X {width}\n"));
        var line = new byte[4 * width];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 3;
                ToRgbe(rgb[i], rgb[i + 1], rgb[i + 2], out line[x], out line[width + x], out line[2 * width + x], out line[3 * width + x]);
            }
            output.Write([2, 2, (byte)(width >> 8), (byte)(width & 0xFF)]);
            for (int component = 0; component < 4; component++)
            {
                // Literal packets of at most 128 bytes: count, then the bytes.
                for (int start = 0; start < width; start += 128)
                {
                    int count = Math.Min(128, width - start);
                    output.WriteByte((byte)count);
                    output.Write(line, component * width + start, count);
                }
            }
        }
        return output.ToArray();
    }

    public static Task WriteAsync(string path, ReadOnlySpan<float> rgb, int width, int height, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, Encode(rgb, width, height), cancellationToken);

    /// <summary>Decodes a new-style RLE RGBE file into linear RGB floats.</summary>
    public static (float[] Rgb, int Width, int Height) Decode(ReadOnlySpan<byte> file)
    {
        int pos = 0;
        string ReadLine(ReadOnlySpan<byte> f)
        {
            int end = f[pos..].IndexOf((byte)'\n');
            if (end < 0)
                throw new SeedtexException(SeedtexErrorKind.Corrupt, "HDR header ends early");
            string text = Encoding.ASCII.GetString(f.Slice(pos, end));
            pos += end + 1;
            return text;
        }
        if (!ReadLine(file).StartsWith("#?", StringComparison.Ordinal))
            throw new SeedtexException(SeedtexErrorKind.Corrupt, "not a Radiance HDR file");
        while (ReadLine(file).Length > 0)
        {
        }
        string[] size = ReadLine(file).Split(' ');
        if (size.Length != 4 || size[0] != "-Y" || size[2] != "+X" || !int.TryParse(size[1], out int height) || !int.TryParse(size[3], out int width)
            || width is < 8 or > 0x7FFF || height is < 1 or > 0x7FFF)
            throw new SeedtexException(SeedtexErrorKind.Corrupt, "HDR resolution line is not '-Y H +X W' with a supported size");
        var rgb = new float[width * height * 3];
        var line = new byte[4 * width];
        for (int y = 0; y < height; y++)
        {
            if (pos + 4 > file.Length || file[pos] != 2 || file[pos + 1] != 2 || ((file[pos + 2] << 8) | file[pos + 3]) != width)
                throw new SeedtexException(SeedtexErrorKind.Corrupt, $"HDR scanline {y} is not new-style run-length encoded");
            pos += 4;
            for (int component = 0; component < 4; component++)
            {
                for (int x = 0; x < width;)
                {
                    if (pos >= file.Length)
                        throw new SeedtexException(SeedtexErrorKind.Corrupt, "HDR data ends early");
                    int count = file[pos++];
                    bool run = count > 128;
                    if (run)
                        count -= 128;
                    if (count == 0 || x + count > width || pos + (run ? 1 : count) > file.Length)
                        throw new SeedtexException(SeedtexErrorKind.Corrupt, $"HDR scanline {y} has a bad packet");
                    if (run)
                        line.AsSpan(component * width + x, count).Fill(file[pos++]);
                    else
                    {
                        file.Slice(pos, count).CopyTo(line.AsSpan(component * width + x));
                        pos += count;
                    }
                    x += count;
                }
            }
            for (int x = 0; x < width; x++)
            {
                byte e = line[3 * width + x];
                float scale = e == 0 ? 0 : MathF.ScaleB(1f, e - 136);
                int i = (y * width + x) * 3;
                rgb[i] = (line[x] + 0.5f) * scale;
                rgb[i + 1] = (line[width + x] + 0.5f) * scale;
                rgb[i + 2] = (line[2 * width + x] + 0.5f) * scale;
            }
        }
        return (rgb, width, height);
    }

    private static void ToRgbe(float r, float g, float b, out byte red, out byte green, out byte blue, out byte exponent)
    {
        float v = MathF.Max(r, MathF.Max(g, b));
        if (!(v > 1e-32f))
        {
            red = green = blue = exponent = 0;
            return;
        }
        int e = MathF.ILogB(v) + 1; // v = m * 2^e with m in [0.5, 1)
        float scale = MathF.ScaleB(256f, -e);
        red = (byte)Math.Clamp(r * scale, 0, 255);
        green = (byte)Math.Clamp(g * scale, 0, 255);
        blue = (byte)Math.Clamp(b * scale, 0, 255);
        exponent = (byte)(e + 128);
    }
}
