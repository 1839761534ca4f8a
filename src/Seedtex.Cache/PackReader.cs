using System.Buffers.Binary;
using System.IO.Hashing;
using System.IO.MemoryMappedFiles;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// A baked pack, memory-mapped read-only. A hit returns a texture whose pixels are a view of the mapped file:
/// no copy, no decode. Header, index and layout are checked at open; an entry's checksum is checked each time it
/// is read. Any damage is a <see cref="SeedtexException"/> of kind Corrupt whose message names the pack file.
/// </summary>
/// <remarks>
/// Lifetime: textures from <see cref="TryGet"/> point into the mapping and are valid until this reader is
/// disposed; copy them (<c>Pixels.ToArray()</c>) to keep them longer. The file is opened without write sharing
/// so other programs cannot change it underneath the mapping where the OS enforces that (Windows).
/// </remarks>
public sealed unsafe class PackReader : ICacheTier, IDisposable
{
    private const int MaxEntries = 1 << 22;

    private readonly MemoryMappedFile _map;
    private readonly MemoryMappedViewAccessor _view;
    private readonly byte* _base;
    private readonly PackLayout.IndexEntry[] _index;
    private readonly CacheKey[] _keys;
    private int _disposed;

    private PackReader(string path, MemoryMappedFile map, MemoryMappedViewAccessor view, byte* basePointer, PackLayout.IndexEntry[] index)
    {
        FilePath = path;
        Name = "pack:" + Path.GetFileName(path);
        _map = map;
        _view = view;
        _base = basePointer;
        _index = index;
        _keys = Array.ConvertAll(index, e => e.Key);
    }

    public string Name { get; }
    public string FilePath { get; }
    public bool IsReadOnly => true;
    public int Count => _index.Length;
    public IReadOnlyList<CacheKey> Keys => _keys;

    /// <summary>Opens and checks a pack: header, index checksum, and that slots tile the file exactly.</summary>
    public static PackReader Open(string path)
    {
        string fullPath = Path.GetFullPath(path);
        string where = $"pack {fullPath}";
        FileStream file;
        try
        {
            file = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot open {where}: {e.Message}; check the path, or bake it with `seedtex bake`", e);
        }
        MemoryMappedFile? map = null;
        MemoryMappedViewAccessor? view = null;
        bool acquired = false;
        try
        {
            long fileLength = file.Length;
            if (fileLength < PackLayout.HeaderSize)
                throw StoredTexture.Corrupt(where, $"file is {fileLength} bytes, shorter than the {PackLayout.HeaderSize}-byte header (truncated?)");
            Span<byte> header = stackalloc byte[PackLayout.HeaderSize];
            RandomAccess.Read(file.SafeFileHandle, header, 0);
            int count = CheckHeader(header, where, fileLength);
            long dataOffset = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);

            map = MemoryMappedFile.CreateFromFile(file, null, 0, MemoryMappedFileAccess.Read, HandleInheritability.None, leaveOpen: false);
            view = map.CreateViewAccessor(0, fileLength, MemoryMappedFileAccess.Read);
            byte* pointer = null;
            view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            acquired = true;
            pointer += view.PointerOffset;

            var indexBytes = new ReadOnlySpan<byte>(pointer + PackLayout.HeaderSize, checked((int)(dataOffset - PackLayout.HeaderSize)));
            ulong indexChecksum = XxHash3.HashToUInt64(indexBytes);
            if (indexChecksum != BinaryPrimitives.ReadUInt64LittleEndian(header[40..]))
                throw StoredTexture.Corrupt(where, "index checksum does not match (tampered or damaged)");
            var index = new PackLayout.IndexEntry[count];
            long nextSlot = dataOffset;
            for (int i = 0; i < count; i++)
            {
                index[i] = PackLayout.ReadIndexEntry(indexBytes.Slice(i * PackLayout.IndexEntrySize, PackLayout.IndexEntrySize), where, nextSlot, fileLength);
                if (i > 0 && index[i].Key <= index[i - 1].Key)
                    throw StoredTexture.Corrupt(where, $"index is not sorted at entry {i}");
                nextSlot += index[i].SlotLength;
            }
            if (nextSlot != fileLength)
                throw StoredTexture.Corrupt(where, $"slots end at {nextSlot} but the file is {fileLength} bytes");
            return new PackReader(fullPath, map, view, pointer, index);
        }
        catch
        {
            if (acquired)
                view!.SafeMemoryMappedViewHandle.ReleasePointer();
            view?.Dispose();
            map?.Dispose();
            file.Dispose();
            throw;
        }
    }

    private static int CheckHeader(ReadOnlySpan<byte> header, string where, long fileLength)
    {
        if (!header[..8].SequenceEqual(PackLayout.Magic))
            throw StoredTexture.Corrupt(where, "not a Seedtex pack (bad magic)");
        if (XxHash3.HashToUInt64(header[..56]) != BinaryPrimitives.ReadUInt64LittleEndian(header[56..]))
            throw StoredTexture.Corrupt(where, "header checksum does not match (tampered or damaged)");
        int version = BinaryPrimitives.ReadUInt16LittleEndian(header[8..]);
        if (version != PackLayout.FormatVersion)
            throw StoredTexture.Corrupt(where, $"pack format {version} is not {PackLayout.FormatVersion}: bake it again with this version");
        int count = BinaryPrimitives.ReadInt32LittleEndian(header[12..]);
        long indexOffset = BinaryPrimitives.ReadInt64LittleEndian(header[16..]);
        long dataOffset = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
        long claimedLength = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
        if (claimedLength != fileLength)
            throw StoredTexture.Corrupt(where, $"file is {fileLength} bytes but its header says {claimedLength} (truncated or appended to)");
        if (count < 0 || count > MaxEntries || count > (fileLength - PackLayout.HeaderSize) / PackLayout.IndexEntrySize)
            throw StoredTexture.Corrupt(where, $"entry count {count} cannot fit in a {fileLength}-byte file");
        if (indexOffset != PackLayout.HeaderSize || dataOffset != PackLayout.DataOffset(count) || dataOffset > fileLength
            || BinaryPrimitives.ReadUInt16LittleEndian(header[10..]) != 0 || BinaryPrimitives.ReadUInt64LittleEndian(header[48..]) != 0)
            throw StoredTexture.Corrupt(where, "header layout fields are inconsistent");
        return count;
    }

    /// <summary>
    /// The entry with its pixels as a view of the mapped file, or null if the pack does not hold the key.
    /// Throws a Corrupt <see cref="SeedtexException"/> naming the pack when the entry's checksum fails.
    /// </summary>
    public CacheHit? TryGet(CacheKey key)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int i = Array.BinarySearch(_keys, key);
        if (i < 0)
            return null;
        ref readonly var e = ref _index[i];
        byte* slot = _base + e.SlotOffset;
        var slotBytes = new ReadOnlySpan<byte>(slot, (int)e.SlotLength);
        if (XxHash3.HashToUInt64(slotBytes) != e.Checksum)
            throw StoredTexture.Corrupt($"pack {FilePath}, entry {key}", "checksum does not match (tampered or damaged): bake the pack again");
        var metadata = MetadataSerializer.Deserialize(slotBytes.Slice((int)e.PixelBytes, e.MetadataLength).ToArray(), $"pack {FilePath}, entry {key}");
        var pixels = new MappedMemory(slot, (int)e.PixelBytes).Memory;
        var texture = new TextureData(e.Format, e.Width, e.Height, e.MipCount, e.FaceCount, pixels);
        return new CacheHit(new CacheEntry(texture, metadata), Name, PixelsBorrowed: true);
    }

    public ValueTask<CacheHit?> TryGetAsync(CacheKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(TryGet(key));
    }

    public ValueTask PutAsync(CacheKey key, CacheEntry entry, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"{Name} is read-only; packs are written by `seedtex bake`");

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _map.Dispose();
    }
}
