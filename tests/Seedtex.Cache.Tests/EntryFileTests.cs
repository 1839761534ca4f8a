using System.Buffers.Binary;
using System.IO.Hashing;
using System.Text;
using Seedtex.Cache.Testing;

namespace Seedtex.Cache.Tests;

/// <summary>Pins the documented on-disk header layout, so a change to it is a deliberate format version bump.</summary>
public class EntryFileTests
{
    [Fact]
    public void Header_fields_sit_where_the_format_documents_them()
    {
        var key = TestEntries.Key(1, 16);
        var entry = TestEntries.Entry(1, 16);
        using var stream = new MemoryStream();
        long length = EntryFile.Write(stream, key, entry);
        byte[] bytes = stream.ToArray();
        Assert.Equal(length, bytes.Length);

        Assert.Equal("STXCACHE", Encoding.ASCII.GetString(bytes, 0, 8));
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(8)));   // format version
        Assert.Equal(0, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(10)));  // noise: stored raw
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(12)));  // Rgba8Srgb
        Assert.Equal(1, BinaryPrimitives.ReadUInt16LittleEndian(bytes.AsSpan(14)));  // faces
        Assert.Equal(16, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(16)));
        Assert.Equal(16, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(20)));
        Assert.Equal(5, BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(24)));   // mips 16,8,4,2,1
        int metadataLength = BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(28));
        long pixelBytes = entry.Texture.Pixels.Length;
        Assert.Equal(pixelBytes, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(32)));
        Assert.Equal(pixelBytes, BinaryPrimitives.ReadInt64LittleEndian(bytes.AsSpan(40)));
        Assert.Equal(key.ToArray(), bytes[48..80]);
        Assert.Equal(EntryFile.HeaderSize + metadataLength + pixelBytes, bytes.Length);
        Assert.Equal(entry.Texture.Pixels.ToArray(), bytes[(EntryFile.HeaderSize + metadataLength)..]);

        var hash = new XxHash3();
        hash.Append(bytes.AsSpan(0, 80));
        hash.Append(bytes.AsSpan(EntryFile.HeaderSize));
        Assert.Equal(hash.GetCurrentHashAsUInt64(), BinaryPrimitives.ReadUInt64LittleEndian(bytes.AsSpan(80)));
    }
}
