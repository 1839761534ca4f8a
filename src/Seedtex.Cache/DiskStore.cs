using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// The local disk tier: one file per entry at objects/ab/&lt;key&gt;, shared by every process on the machine
/// (editor, bake, game) without a lock.
/// </summary>
/// <remarks>
/// Why no lock is needed: an entry only appears by an atomic rename of a complete, fsynced temp file, so readers
/// see either nothing or a whole file; two writers of one key write identical bytes, so whichever rename lands last
/// changes nothing; deleting (gc) an entry a reader has open leaves the reader its open file (POSIX) or fails the
/// delete (Windows, where files are opened with delete sharing), and a reader that opens after the delete sees a miss.
/// Least-recently-used order for the size cap comes from file modification times, refreshed on each hit.
/// </remarks>
public sealed class DiskStore : ICacheTier
{
    /// <summary>Temp files older than this belong to a writer that died; gc removes them.</summary>
    public static readonly TimeSpan StaleTempAge = TimeSpan.FromHours(1);

    private readonly Action<CacheProblem>? _onProblem;
    // This process's idea of the store's size (-1: not measured yet); other processes' writes show up at the next scan.
    private long _estimatedBytes = -1;

    /// <param name="root">The store's folder; created if missing.</param>
    /// <param name="maxBytes">Size cap: when puts take the store over it, least recently used entries go until it is 90% full.</param>
    /// <param name="onProblem">Told about each damaged entry moved aside.</param>
    public DiskStore(string root, long maxBytes = long.MaxValue, Action<CacheProblem>? onProblem = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxBytes);
        Root = Path.GetFullPath(root);
        MaxBytes = maxBytes;
        _onProblem = onProblem;
        try
        {
            Directory.CreateDirectory(ObjectsFolder);
            Directory.CreateDirectory(TempFolder);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot create the cache folder {Root}: {e.Message}; pass a writable --cache-dir or set SEEDTEX_CACHE", e);
        }
    }

    public string Name => "disk";
    public bool IsReadOnly => false;
    public string Root { get; }
    public long MaxBytes { get; }
    public string ObjectsFolder => Path.Combine(Root, "objects");
    public string TempFolder => Path.Combine(Root, "tmp");
    /// <summary>Where damaged entries are moved, so they can be looked at but are never served.</summary>
    public string CorruptFolder => Path.Combine(Root, "corrupt");

    /// <summary>Test seam: wraps the temp file's stream, e.g. to inject a failure part way through a write.</summary>
    internal Func<Stream, Stream>? WrapTempStream { get; set; }

    public string PathFor(CacheKey key)
    {
        string hex = key.ToString();
        return Path.Combine(ObjectsFolder, hex[..2], hex);
    }

    public ValueTask<CacheHit?> TryGetAsync(CacheKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return new(TryGet(key));
    }

    /// <summary>
    /// The entry, or null when it is missing or damaged. A damaged file is moved to <see cref="CorruptFolder"/>
    /// and reported, so the next put can write a good one.
    /// </summary>
    public CacheHit? TryGet(CacheKey key)
    {
        string path = PathFor(key);
        FileStream file;
        try
        {
            file = OpenForRead(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        CacheEntry entry;
        try
        {
            using (file)
                entry = EntryFile.Read(file, key, path);
        }
        catch (Exception e) when (e is SeedtexException { Kind: SeedtexErrorKind.Corrupt } or EndOfStreamException)
        {
            MoveAside(path, e.Message);
            return null;
        }
        catch (IOException e)
        {
            // The disk failed, not the entry: say so instead of throwing a bare IOException through the tiers.
            throw new SeedtexException(SeedtexErrorKind.Io, $"reading cache entry {path} failed: {e.Message}; check the disk, or run `seedtex cache verify`", e);
        }
        Touch(path);
        return new CacheHit(entry, Name);
    }

    public ValueTask PutAsync(CacheKey key, CacheEntry entry, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        Put(key, entry);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// Stores the entry: temp file, fsync, size check, atomic rename. On any failure (disk full, I/O error) the
    /// temp file is deleted and nothing appears under the key.
    /// </summary>
    public void Put(CacheKey key, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        string path = PathFor(key);
        if (File.Exists(path))
        {
            Touch(path); // same key, same pixels: nothing to write
            return;
        }
        string temp = Path.Combine(TempFolder, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        long length;
        try
        {
            using (var file = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                var stream = WrapTempStream?.Invoke(file) ?? file;
                length = EntryFile.Write(stream, key, entry);
                stream.Flush();
                // Without fsync before rename, ext4 can leave a zero-length entry after a power cut.
                file.Flush(flushToDisk: true);
                if (file.Length != length)
                    throw new IOException($"temp file is {file.Length} bytes after writing {length}");
            }
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            Publish(temp, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new SeedtexException(SeedtexErrorKind.Io, $"could not store cache entry {key} in {Root}: {e.Message}; free disk space or lower the cache size", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
        if (MaxBytes == long.MaxValue)
            return;
        if (Interlocked.Read(ref _estimatedBytes) < 0)
            Interlocked.Exchange(ref _estimatedBytes, ListFiles().Sum(f => f.Length)); // first capped put: learn the size once
        else
            Interlocked.Add(ref _estimatedBytes, length);
        if (Interlocked.Read(ref _estimatedBytes) > MaxBytes)
            Collect(MaxBytes / 10 * 9);
    }

    /// <summary>Removes least recently used entries until the store holds at most <paramref name="maxBytes"/>, and stale temp files.</summary>
    public GcReport Collect(long maxBytes)
    {
        var entries = ListFiles().OrderBy(f => f.LastWriteTimeUtc).ToList();
        long total = entries.Sum(f => f.Length);
        int removed = 0;
        long removedBytes = 0;
        foreach (var file in entries)
        {
            if (total <= maxBytes)
                break;
            if (TryDelete(file.FullName))
            {
                removed++;
                removedBytes += file.Length;
            }
            total -= file.Length; // a file another process removed first is gone either way
        }
        int temps = RemoveTempFiles(StaleTempAge);
        Interlocked.Exchange(ref _estimatedBytes, total);
        return new GcReport(removed, removedBytes, entries.Count - removed, total, temps);
    }

    /// <summary>Deletes temp files older than <paramref name="olderThan"/> (left by writers that were killed).</summary>
    public int RemoveTempFiles(TimeSpan olderThan)
    {
        int removed = 0;
        var cutoff = DateTime.UtcNow - olderThan;
        foreach (var file in new DirectoryInfo(TempFolder).EnumerateFiles())
        {
            if (file.LastWriteTimeUtc <= cutoff && TryDelete(file.FullName))
                removed++;
        }
        return removed;
    }

    public DiskStoreStats Stats()
    {
        var files = ListFiles().ToList();
        return new DiskStoreStats(
            files.Count,
            files.Sum(f => f.Length),
            MaxBytes,
            SafeCount(TempFolder),
            SafeCount(CorruptFolder),
            files.Count == 0 ? null : files.Min(f => f.LastWriteTimeUtc),
            files.Count == 0 ? null : files.Max(f => f.LastWriteTimeUtc));
    }

    /// <summary>Describes every entry from its header and metadata (pixels not read or verified).</summary>
    public IEnumerable<DiskEntryInfo> List()
    {
        foreach (var file in ListFiles())
        {
            DiskEntryInfo info;
            try
            {
                using var stream = OpenForRead(file.FullName);
                var (header, metadata) = EntryFile.ReadDescription(stream, file.FullName);
                info = new DiskEntryInfo(header.Key, file.Length, file.LastWriteTimeUtc, header.Format, header.Width, header.Height,
                    header.MipCount, header.FaceCount, metadata, null);
            }
            catch (Exception e) when (e is SeedtexException or IOException)
            {
                info = new DiskEntryInfo(default, file.Length, file.LastWriteTimeUtc, default, 0, 0, 0, 0, null, e.Message);
            }
            yield return info;
        }
    }

    /// <summary>Reads every entry in full, checksum included; damaged ones are moved aside and listed.</summary>
    public VerifyReport Verify(IProgress<int>? progress = null, CancellationToken cancellationToken = default)
    {
        int checkedCount = 0;
        var problems = new List<CacheProblem>();
        foreach (var file in ListFiles())
        {
            cancellationToken.ThrowIfCancellationRequested();
            string? problem = null;
            if (!CacheKey.TryParse(file.Name, out var key) || PathFor(key) != file.FullName)
                problem = "file name is not the key of its folder";
            else
            {
                try
                {
                    using var stream = OpenForRead(file.FullName);
                    EntryFile.Read(stream, key, file.FullName);
                }
                catch (Exception e) when (e is SeedtexException { Kind: SeedtexErrorKind.Corrupt } or EndOfStreamException)
                {
                    problem = e.Message;
                }
                catch (FileNotFoundException)
                {
                    continue; // removed by another process since listing
                }
            }
            checkedCount++;
            progress?.Report(checkedCount);
            if (problem != null)
            {
                problems.Add(new CacheProblem(Name, file.FullName, problem));
                MoveAside(file.FullName, problem);
            }
        }
        return new VerifyReport(checkedCount, problems);
    }

    private IEnumerable<FileInfo> ListFiles()
    {
        var objects = new DirectoryInfo(ObjectsFolder);
        if (!objects.Exists)
            yield break;
        foreach (var folder in objects.EnumerateDirectories())
        {
            IEnumerable<FileInfo> files;
            try
            {
                files = folder.EnumerateFiles().ToList();
            }
            catch (DirectoryNotFoundException)
            {
                continue;
            }
            foreach (var file in files)
                yield return file;
        }
    }

    private static FileStream OpenForRead(string path) =>
        // Delete sharing lets gc (and a replacing writer) proceed on Windows while a reader has the file open.
        new(path, new FileStreamOptions
        {
            Mode = FileMode.Open,
            Access = FileAccess.Read,
            Share = FileShare.ReadWrite | FileShare.Delete,
            BufferSize = 0, // entries are read in a few large reads; a buffer would only add a copy
        });

    private static void Publish(string temp, string path)
    {
        try
        {
            // rename(2): atomic, replaces an existing file. Content for a key is deterministic, so replacing an
            // identical entry a concurrent writer just published is harmless.
            File.Move(temp, path, overwrite: true);
        }
        catch (Exception e) when ((e is IOException or UnauthorizedAccessException) && File.Exists(path))
        {
            // Windows refuses to replace a file another process has open; that file is the same entry.
            TryDelete(temp);
        }
    }

    private void MoveAside(string path, string reason)
    {
        try
        {
            Directory.CreateDirectory(CorruptFolder);
            File.Move(path, Path.Combine(CorruptFolder, $"{Path.GetFileName(path)}.{DateTime.UtcNow.Ticks}.{Environment.ProcessId}.bad"), overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(path); // another process moved it first, or the move failed: never leave it to be served
        }
        _onProblem?.Invoke(new CacheProblem(Name, path, reason));
    }

    private static void Touch(string path)
    {
        try
        {
            File.SetLastWriteTimeUtc(path, DateTime.UtcNow);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // removed by gc in another process since the read: the hit stands, the recency does not matter
        }
    }

    private static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
                return false;
            File.Delete(path);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static int SafeCount(string folder) => Directory.Exists(folder) ? Directory.EnumerateFiles(folder).Count() : 0;
}

public sealed record GcReport(int RemovedEntries, long RemovedBytes, int RemainingEntries, long RemainingBytes, int RemovedTempFiles);

public sealed record DiskStoreStats(int Entries, long Bytes, long MaxBytes, int TempFiles, int CorruptFiles, DateTime? OldestUseUtc, DateTime? NewestUseUtc);

/// <summary>One stored entry as `cache ls` shows it; <see cref="Problem"/> is set when its header could not be read.</summary>
public sealed record DiskEntryInfo(
    CacheKey Key, long FileBytes, DateTime LastUsedUtc, PixelFormat Format, int Width, int Height, int MipCount, int FaceCount,
    CacheEntryMetadata? Metadata, string? Problem);

public sealed record VerifyReport(int Checked, IReadOnlyList<CacheProblem> Problems);
