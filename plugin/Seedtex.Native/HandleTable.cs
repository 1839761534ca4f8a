using System.Collections.Concurrent;

namespace Seedtex.Native;

/// <summary>
/// Maps opaque C handles to objects without ever treating a handle as a pointer: a handle is a number issued
/// here (never 0, tagged per table), so a released, destroyed or made-up handle is simply not found.
/// </summary>
internal sealed class HandleTable<T>(int tag) where T : class
{
    private readonly ConcurrentDictionary<nint, T> _items = new();
    private long _next;

    public nint Add(T item)
    {
        nint handle = (nint)((Interlocked.Increment(ref _next) << 4) | (long)tag);
        _items[handle] = item;
        return handle;
    }

    public bool TryGet(nint handle, out T item) => _items.TryGetValue(handle, out item!);

    public bool TryRemove(nint handle, out T item) => _items.TryRemove(handle, out item!);

    public ICollection<T> Items => _items.Values;

    public nint[] HandlesWhere(Func<T, bool> match) => [.. _items.Where(pair => match(pair.Value)).Select(pair => pair.Key)];
}
