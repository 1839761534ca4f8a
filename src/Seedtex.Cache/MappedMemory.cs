using System.Buffers;

namespace Seedtex.Cache;

/// <summary>
/// A Memory&lt;byte&gt; over part of a memory-mapped pack, so a pack hit hands out the mapped pages themselves.
/// The owning <see cref="PackReader"/> keeps the mapping alive; memory from here must not be used after that
/// reader is disposed.
/// </summary>
internal sealed unsafe class MappedMemory(byte* pointer, int length) : MemoryManager<byte>
{
    public override Span<byte> GetSpan() => new(pointer, length);

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)length, nameof(elementIndex));
        return new MemoryHandle(pointer + elementIndex); // mapped pages never move
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        // The mapping belongs to the PackReader.
    }
}
