using System.IO.Hashing;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// Writes a pack (<see cref="PackLayout"/>) to a temp file beside the target, then renames it over the target
/// in one step at <see cref="Commit"/>: a game never opens a half-written pack, and a failed bake leaves the
/// previous pack as it was.
/// </summary>
public sealed class PackWriter : IDisposable
{
    private readonly string _path;
    private readonly string _tempPath;
    private readonly FileStream _file;
    private readonly PackLayout.IndexEntry[] _index;
    private readonly long _dataOffset;
    private int _count;
    private bool _committed;

    private PackWriter(string path, int entryCount)
    {
        _path = Path.GetFullPath(path);
        string folder = Path.GetDirectoryName(_path)!;
        Directory.CreateDirectory(folder);
        _tempPath = Path.Combine(folder, $".{Path.GetFileName(_path)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        _file = new FileStream(_tempPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16);
        _index = new PackLayout.IndexEntry[entryCount];
        _dataOffset = PackLayout.DataOffset(entryCount);
        _file.Position = _dataOffset;
    }

    /// <summary>Starts a pack of exactly <paramref name="entryCount"/> entries at <paramref name="path"/>.</summary>
    public static PackWriter Create(string path, int entryCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(entryCount);
        try
        {
            return new PackWriter(path, entryCount);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot create pack {path}: {e.Message}; check the folder exists and is writable", e);
        }
    }

    /// <summary>Appends an entry. Keys must come in ascending order (the index is sorted for binary search).</summary>
    public void Add(CacheKey key, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        if (_count == _index.Length)
            throw new InvalidOperationException($"pack {_path} was created for {_index.Length} entries");
        if (_count > 0 && key <= _index[_count - 1].Key)
            throw new InvalidOperationException($"pack keys must be added in ascending order without repeats: {key} after {_index[_count - 1].Key}");
        var texture = entry.Texture;
        if (texture.Pixels.Length > StoredTexture.MaxPayloadBytes)
            throw SeedtexException.Argument($"a texture of {texture.Pixels.Length} bytes is over the pack's {StoredTexture.MaxPayloadBytes}-byte entry limit");
        byte[] metadata = MetadataSerializer.Serialize(entry.Metadata);
        long slotOffset = _file.Position;
        long used = texture.Pixels.Length + (long)metadata.Length;
        long slotLength = PackLayout.Align(used);
        var hash = new XxHash3();
        hash.Append(texture.Pixels.Span);
        hash.Append(metadata);
        Span<byte> zeros = stackalloc byte[PackLayout.Alignment];
        zeros.Clear();
        var padding = zeros[..(int)(slotLength - used)];
        hash.Append(padding);
        try
        {
            _file.Write(texture.Pixels.Span);
            _file.Write(metadata);
            _file.Write(padding);
        }
        catch (IOException e)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"writing pack {_path} failed: {e.Message}; free disk space and bake again", e);
        }
        _index[_count++] = new PackLayout.IndexEntry(key, slotOffset, slotLength, texture.Pixels.Length, metadata.Length,
            texture.Format, texture.FaceCount, texture.Width, texture.Height, texture.MipCount, hash.GetCurrentHashAsUInt64());
    }

    /// <summary>Writes index and header, flushes to disk, and atomically replaces the target file.</summary>
    public void Commit()
    {
        if (_count != _index.Length)
            throw new InvalidOperationException($"pack {_path} has {_count} of its {_index.Length} entries");
        long fileLength = _file.Position;
        var indexBytes = new byte[_dataOffset - PackLayout.HeaderSize];
        for (int i = 0; i < _count; i++)
            PackLayout.WriteIndexEntry(indexBytes.AsSpan(i * PackLayout.IndexEntrySize), _index[i]);
        Span<byte> header = stackalloc byte[PackLayout.HeaderSize];
        PackLayout.WriteHeader(header, _count, _dataOffset, fileLength, XxHash3.HashToUInt64(indexBytes));
        try
        {
            _file.Position = 0;
            _file.Write(header);
            _file.Write(indexBytes);
            _file.Flush(flushToDisk: true);
            _file.Dispose();
            File.Move(_tempPath, _path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"writing pack {_path} failed: {e.Message}; free disk space, close programs using the pack, and bake again", e);
        }
        _committed = true;
    }

    /// <summary>Deletes the temp file unless <see cref="Commit"/> succeeded.</summary>
    public void Dispose()
    {
        _file.Dispose();
        if (!_committed)
        {
            try
            {
                File.Delete(_tempPath);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // best effort: a stray temp file is hidden (dot name) and never read
            }
        }
    }
}
