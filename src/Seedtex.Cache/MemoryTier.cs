using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// Entries kept in process memory, least recently used dropped first, bounded by bytes rather than entry count:
/// one 4K cubemap weighs as much as hundreds of small tiles.
/// </summary>
public sealed class MemoryTier : ICacheTier
{
    // Rough cost of the metadata, request strings and list node beside the pixels.
    private const long EntryOverheadBytes = 1024;

    private readonly long _capacityBytes;
    private readonly Dictionary<CacheKey, LinkedListNode<(CacheKey Key, CacheEntry Entry, long Bytes)>> _index = [];
    private readonly LinkedList<(CacheKey Key, CacheEntry Entry, long Bytes)> _recency = new();
    private readonly Lock _gate = new();
    private long _usedBytes;

    public MemoryTier(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        _capacityBytes = capacityBytes;
    }

    public string Name => "memory";
    public bool IsReadOnly => false;
    public long CapacityBytes => _capacityBytes;

    public long UsedBytes
    {
        get { lock (_gate) return _usedBytes; }
    }

    public int Count
    {
        get { lock (_gate) return _index.Count; }
    }

    public ValueTask<CacheHit?> TryGetAsync(CacheKey key, CancellationToken cancellationToken) => new(TryGet(key));

    /// <summary>The synchronous lookup behind <see cref="TryGetAsync"/>: a dictionary probe and a list move.</summary>
    public CacheHit? TryGet(CacheKey key)
    {
        lock (_gate)
        {
            if (!_index.TryGetValue(key, out var node))
                return null;
            _recency.Remove(node);
            _recency.AddFirst(node);
            return new CacheHit(node.Value.Entry, Name);
        }
    }

    public ValueTask PutAsync(CacheKey key, CacheEntry entry, CancellationToken cancellationToken)
    {
        Put(key, entry);
        return ValueTask.CompletedTask;
    }

    public void Put(CacheKey key, CacheEntry entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        long bytes = entry.Texture.Pixels.Length + EntryOverheadBytes;
        lock (_gate)
        {
            if (_index.Remove(key, out var old))
            {
                _recency.Remove(old);
                _usedBytes -= old.Value.Bytes;
            }
            if (bytes > _capacityBytes)
                return; // would evict everything else and still not fit
            while (_usedBytes + bytes > _capacityBytes)
            {
                var last = _recency.Last!;
                _recency.RemoveLast();
                _index.Remove(last.Value.Key);
                _usedBytes -= last.Value.Bytes;
            }
            _index[key] = _recency.AddFirst((key, entry, bytes));
            _usedBytes += bytes;
        }
    }
}
