using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Seedtex.Core;
using StbImageSharp;
using StbImageWriteSharp;

namespace Seedtex.Imaging;

/// <summary>An RGBA8 image read from a file, with the PNG's text chunks (keyword to text).</summary>
public sealed record DecodedImage(int Width, int Height, byte[] Rgba, IReadOnlyDictionary<string, string> Text);

/// <summary>
/// PNG files with text chunks: generation parameters travel inside the image the way AUTOMATIC1111 stores them
/// (keyword "parameters"), so tools that read those files read ours. Latin-1 text goes in tEXt, anything else in
/// an uncompressed UTF-8 iTXt chunk.
/// </summary>
public static class PngFile
{
    private static readonly byte[] Signature = [137, 80, 78, 71, 13, 10, 26, 10];

    public static byte[] Encode(ReadOnlySpan<byte> rgba, int width, int height, IReadOnlyDictionary<string, string>? text = null)
    {
        if (rgba.Length != width * height * 4)
            throw new ArgumentException($"{rgba.Length} bytes is not a {width}x{height} RGBA8 image", nameof(rgba));
        using var encoded = new MemoryStream();
        new ImageWriter().WritePng(rgba.ToArray(), width, height, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, encoded);
        byte[] png = encoded.ToArray();
        if (text is null || text.Count == 0)
            return png;

        // Text goes right after IHDR (signature + 25-byte IHDR chunk), before the image data.
        const int afterHeader = 8 + 4 + 4 + 13 + 4;
        using var output = new MemoryStream(png.Length + 1024);
        output.Write(png, 0, afterHeader);
        foreach (var (keyword, value) in text)
            WriteTextChunk(output, keyword, value);
        output.Write(png, afterHeader, png.Length - afterHeader);
        return output.ToArray();
    }

    public static Task WriteAsync(string path, ReadOnlySpan<byte> rgba, int width, int height, IReadOnlyDictionary<string, string>? text = null, CancellationToken cancellationToken = default) =>
        AtomicFile.WriteAsync(path, Encode(rgba, width, height, text), cancellationToken);

    /// <summary>Reads any image stb can decode (PNG, JPEG, BMP, TGA) as RGBA8, plus PNG text chunks.</summary>
    public static DecodedImage Read(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot read image {path}: {e.Message}", e);
        }
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException or NullReferenceException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"{path} is not a readable image ({e.Message}); use a PNG, JPEG, BMP or TGA file", e);
        }
        return new DecodedImage(image.Width, image.Height, image.Data, ReadText(bytes));
    }

    /// <summary>The tEXt and uncompressed iTXt chunks of a PNG; empty for other formats or damaged files.</summary>
    public static Dictionary<string, string> ReadText(ReadOnlySpan<byte> png)
    {
        var text = new Dictionary<string, string>(StringComparer.Ordinal);
        if (png.Length < 8 || !png[..8].SequenceEqual(Signature))
            return text;
        int pos = 8;
        while (pos + 12 <= png.Length)
        {
            uint length = BinaryPrimitives.ReadUInt32BigEndian(png[pos..]);
            if (length > (uint)(png.Length - pos - 12))
                break;
            var type = png.Slice(pos + 4, 4);
            var data = png.Slice(pos + 8, (int)length);
            if (type.SequenceEqual("tEXt"u8))
            {
                int zero = data.IndexOf((byte)0);
                if (zero > 0)
                    text[Encoding.Latin1.GetString(data[..zero])] = Encoding.Latin1.GetString(data[(zero + 1)..]);
            }
            else if (type.SequenceEqual("iTXt"u8))
            {
                ReadInternationalText(data, text);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                break;
            }
            pos += 12 + (int)length;
        }
        return text;
    }

    private static void ReadInternationalText(ReadOnlySpan<byte> data, Dictionary<string, string> text)
    {
        // keyword \0 compression-flag compression-method language \0 translated-keyword \0 text
        int zero = data.IndexOf((byte)0);
        if (zero <= 0 || zero + 3 > data.Length || data[zero + 1] != 0)
            return;
        var rest = data[(zero + 3)..];
        int language = rest.IndexOf((byte)0);
        if (language < 0)
            return;
        rest = rest[(language + 1)..];
        int translated = rest.IndexOf((byte)0);
        if (translated < 0)
            return;
        text[Encoding.Latin1.GetString(data[..zero])] = Encoding.UTF8.GetString(rest[(translated + 1)..]);
    }

    private static void WriteTextChunk(Stream output, string keyword, string value)
    {
        bool latin1 = value.All(c => c <= 0xFF);
        var data = new MemoryStream();
        data.Write(Encoding.Latin1.GetBytes(keyword));
        data.WriteByte(0);
        if (latin1)
        {
            data.Write(Encoding.Latin1.GetBytes(value));
            WriteChunk(output, "tEXt"u8, data.ToArray());
        }
        else
        {
            data.Write([0, 0, 0, 0]); // not compressed, no method, empty language, empty translated keyword
            data.Write(Encoding.UTF8.GetBytes(value));
            WriteChunk(output, "iTXt"u8, data.ToArray());
        }
    }

    private static void WriteChunk(Stream output, ReadOnlySpan<byte> type, byte[] data)
    {
        Span<byte> word = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(word, (uint)data.Length);
        output.Write(word);
        output.Write(type);
        output.Write(data);
        var crc = new Crc32();
        crc.Append(type);
        crc.Append(data);
        BinaryPrimitives.WriteUInt32BigEndian(word, crc.GetCurrentHashAsUInt32());
        output.Write(word);
    }
}
