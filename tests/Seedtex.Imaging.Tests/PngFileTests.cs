using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class PngFileTests
{
    private static byte[] Gradient(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                int i = (y * width + x) * 4;
                rgba[i] = (byte)(x * 255 / (width - 1));
                rgba[i + 1] = (byte)(y * 255 / (height - 1));
                rgba[i + 2] = (byte)((x ^ y) & 0xFF);
                rgba[i + 3] = 255;
            }
        }
        return rgba;
    }

    [Fact]
    public async Task Round_trip_keeps_pixels_and_latin1_and_unicode_text()
    {
        var rgba = Gradient(37, 21);
        string dir = Directory.CreateTempSubdirectory("seedtex-png").FullName;
        string path = Path.Combine(dir, "a.png");
        var text = new Dictionary<string, string> { ["parameters"] = "red bricks\nSteps: 8, Seed: 42", ["Comment"] = "mousse verte, café ☕ 苔" };
        await PngFile.WriteAsync(path, rgba, 37, 21, text);

        var read = PngFile.Read(path);
        Assert.Equal((37, 21), (read.Width, read.Height));
        Assert.Equal(rgba, read.Rgba);
        Assert.Equal(text["parameters"], read.Text["parameters"]);
        Assert.Equal(text["Comment"], read.Text["Comment"]);
        Assert.Empty(Directory.GetFiles(dir, "*.tmp"));
    }

    [Fact]
    public void Latin1_text_is_a_tEXt_chunk_and_unicode_an_iTXt_chunk()
    {
        byte[] png = PngFile.Encode(Gradient(8, 8), 8, 8, new Dictionary<string, string> { ["parameters"] = "plain", ["x"] = "ü→" });
        string raw = System.Text.Encoding.Latin1.GetString(png);
        Assert.Contains("tEXtparameters\0plain", raw, StringComparison.Ordinal);
        Assert.Contains("iTXtx\0", raw, StringComparison.Ordinal);
        // stb decodes it, so the chunk CRCs and layout are valid.
        var image = StbImageSharp.ImageResult.FromMemory(png, StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        Assert.Equal(8, image.Width);
    }

    [Fact]
    public void Text_reader_survives_truncated_and_lying_chunks()
    {
        byte[] png = PngFile.Encode(Gradient(8, 8), 8, 8, new Dictionary<string, string> { ["parameters"] = "abc" });
        for (int cut = 0; cut < png.Length; cut += 7)
            _ = PngFile.ReadText(png.AsSpan(0, cut));
        var lying = (byte[])png.Clone();
        lying[33] = 0xFF; // first text chunk's length, now far past the end
        Assert.Empty(PngFile.ReadText(lying));
    }

    [Fact]
    public void Unreadable_image_is_an_io_error_naming_the_file()
    {
        string path = Path.Combine(Directory.CreateTempSubdirectory("seedtex-png").FullName, "not-an-image.png");
        File.WriteAllText(path, "hello");
        var e = Assert.Throws<SeedtexException>(() => PngFile.Read(path));
        Assert.Equal(SeedtexErrorKind.Io, e.Kind);
        Assert.Contains("not-an-image.png", e.Message, StringComparison.Ordinal);

        var missing = Assert.Throws<SeedtexException>(() => PngFile.Read(path + ".missing"));
        Assert.Equal(SeedtexErrorKind.Io, missing.Kind);
    }
}
