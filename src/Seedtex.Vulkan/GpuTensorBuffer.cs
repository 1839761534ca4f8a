using Seedtex.Core;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Seedtex.Vulkan;

/// <summary>Element type of a tensor buffer.</summary>
public enum TensorElementType
{
    Float32 = 1,
    Float16 = 2,
}

/// <summary>Shape of an NCHW tensor.</summary>
public readonly record struct TensorShape(int Batch, int Channels, int Height, int Width)
{
    public long ElementCount => (long)Batch * Channels * Height * Width;

    /// <summary>The shape as ONNX Runtime takes it.</summary>
    public long[] ToArray() => [Batch, Channels, Height, Width];

    public long ByteCount(TensorElementType type) => ElementCount * (type == TensorElementType.Float16 ? 2 : 4);
}

/// <summary>
/// A tensor in memory that the CPU (ONNX Runtime) writes and the GPU reads in place: the VAE decoder's output is bound
/// over <see cref="MappedPointer"/> (IOBinding with OrtValue.CreateTensorValueWithData), then a compute pass turns the
/// same bytes into an image. No CPU copy happens between the two.
/// <para>
/// <see cref="Allocate"/>: a host-visible, host-coherent VkBuffer, persistently mapped at a 4 KiB-aligned address
/// (page aligned, so the same memory could also be registered with a CUDA or DirectML provider later).
/// <see cref="ImportHostMemory"/>: caller memory wrapped with VK_EXT_external_memory_host; address and size must be
/// multiples of the device's import alignment, which is checked here because lavapipe accepts misaligned pointers
/// silently while real GPUs fail.
/// </para>
/// </summary>
public sealed class GpuTensorBuffer : IDecoderOutputMemory, IDisposable
{
    /// <summary>Alignment of <see cref="MappedPointer"/> for allocated buffers: one page.</summary>
    public const int PageAlignment = 4096;

    private readonly MappedBuffer _buffer;

    private GpuTensorBuffer(MappedBuffer buffer, TensorShape shape, TensorElementType elementType, bool imported)
    {
        _buffer = buffer;
        Shape = shape;
        ElementType = elementType;
        IsImported = imported;
    }

    public TensorShape Shape { get; }
    public TensorElementType ElementType { get; }
    /// <summary>True when the memory belongs to the caller (imported host memory).</summary>
    public bool IsImported { get; }
    /// <summary>CPU address of element 0, valid until disposal.</summary>
    public nint MappedPointer => _buffer.Pointer;
    nint IDecoderOutputMemory.Pointer => MappedPointer;
    /// <summary>Bytes of tensor data (the buffer may be larger).</summary>
    public long ByteCount => Shape.ByteCount(ElementType);
    public Buffer Buffer => _buffer.Buffer;

    public static GpuTensorBuffer Allocate(GpuContext context, TensorShape shape, TensorElementType elementType)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate(shape);
        var buffer = MappedBuffer.Allocate(context, shape.ByteCount(elementType), BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit, PageAlignment);
        return new GpuTensorBuffer(buffer, shape, elementType, imported: false);
    }

    /// <summary>
    /// Wraps <paramref name="capacity"/> bytes of caller memory at <paramref name="pointer"/> (both multiples of
    /// <see cref="HostImportAlignment"/>; see <see cref="HostImportSize"/>). The caller frees the memory after disposing this.
    /// </summary>
    public static GpuTensorBuffer ImportHostMemory(GpuContext context, nint pointer, long capacity, TensorShape shape, TensorElementType elementType)
    {
        ArgumentNullException.ThrowIfNull(context);
        Validate(shape);
        if (capacity < shape.ByteCount(elementType))
            throw SeedtexException.Argument($"host memory of {capacity} bytes is smaller than the tensor [{string.Join(",", shape.ToArray())}] {elementType} ({shape.ByteCount(elementType)} bytes)");
        var buffer = MappedBuffer.ImportHostMemory(context, pointer, capacity, BufferUsageFlags.StorageBufferBit | BufferUsageFlags.TransferSrcBit | BufferUsageFlags.TransferDstBit);
        return new GpuTensorBuffer(buffer, shape, elementType, imported: true);
    }

    /// <summary>The device's minImportedHostPointerAlignment (VK_EXT_external_memory_host must be enabled).</summary>
    public static long HostImportAlignment(GpuContext context) => MappedBuffer.HostPointerAlignment(context);

    /// <summary>Bytes to allocate for importing a tensor: its size rounded up to <see cref="HostImportAlignment"/>.</summary>
    public static long HostImportSize(GpuContext context, TensorShape shape, TensorElementType elementType)
    {
        long alignment = HostImportAlignment(context);
        return (shape.ByteCount(elementType) + alignment - 1) / alignment * alignment;
    }

    /// <summary>The tensor's elements, for CPU writers and readers (float for Float32, Half for Float16).</summary>
    public unsafe Span<T> AsSpan<T>()
        where T : unmanaged
    {
        if (sizeof(T) != (ElementType == TensorElementType.Float16 ? 2 : 4))
            throw SeedtexException.Argument($"a {ElementType} tensor cannot be viewed as {typeof(T).Name}");
        return new Span<T>((void*)MappedPointer, checked((int)Shape.ElementCount));
    }

    public void Dispose() => _buffer.Dispose();

    private static void Validate(TensorShape shape)
    {
        if (shape.Batch < 1 || shape.Channels < 1 || shape.Height < 1 || shape.Width < 1)
            throw SeedtexException.Argument($"tensor shape [{string.Join(",", shape.ToArray())}] must be positive in every dimension");
    }
}
