using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Seedtex.Diffusion.Onnx;

/// <summary>
/// A tensor in native memory that ONNX Runtime reads from or writes into directly (no managed copies, no
/// per-call allocation). It either owns its memory (4 KiB aligned, so a GPU layer could import it) or wraps
/// memory a caller owns, such as a mapped Vulkan buffer; in that case the caller keeps it alive.
/// The pipeline does its arithmetic in float32 and converts at this boundary when a model is float16.
/// </summary>
public sealed unsafe class NativeTensor : IDisposable
{
    public const int Alignment = 4096;
    private readonly bool _ownsMemory;
    private bool _disposed;

    public NativeTensor(TensorElementType type, params long[] shape)
    {
        Type = type;
        Shape = shape;
        ElementCount = shape.Aggregate(1L, (a, b) => a * b);
        ByteCount = ElementCount * ElementSize(type);
        Pointer = (nint)NativeMemory.AlignedAlloc((nuint)Math.Max(ByteCount, 1), Alignment);
        _ownsMemory = true;
        Value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, Pointer, ByteCount);
    }

    /// <summary>Wraps caller-owned memory of at least the tensor's byte count.</summary>
    public NativeTensor(TensorElementType type, long[] shape, nint memory, long capacity)
    {
        Type = type;
        Shape = shape;
        ElementCount = shape.Aggregate(1L, (a, b) => a * b);
        ByteCount = ElementCount * ElementSize(type);
        if (capacity < ByteCount)
            throw new ArgumentException($"buffer of {capacity} bytes is too small for a [{string.Join(", ", shape)}] {type} tensor ({ByteCount} bytes)", nameof(capacity));
        Pointer = memory;
        Value = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, type, shape, Pointer, ByteCount);
    }

    public TensorElementType Type { get; }
    public long[] Shape { get; }
    public long ElementCount { get; }
    public long ByteCount { get; }
    public nint Pointer { get; }
    public OrtValue Value { get; }

    public Span<T> AsSpan<T>() where T : unmanaged => new((void*)Pointer, checked((int)(ByteCount / sizeof(T))));

    /// <summary>Writes float32 values at an element offset, converting to the tensor's type.</summary>
    public void Write(ReadOnlySpan<float> values, long offset = 0)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                values.CopyTo(AsSpan<float>()[(int)offset..]);
                break;
            case TensorElementType.Float16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToHalf(values, AsSpan<Half>()[(int)offset..]);
                break;
            default:
                throw new InvalidOperationException($"cannot write floats into a {Type} tensor");
        }
    }

    /// <summary>Reads float32 values from an element offset, converting from the tensor's type.</summary>
    public void Read(Span<float> destination, long offset = 0)
    {
        switch (Type)
        {
            case TensorElementType.Float:
                AsSpan<float>().Slice((int)offset, destination.Length).CopyTo(destination);
                break;
            case TensorElementType.Float16:
                System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(AsSpan<Half>().Slice((int)offset, destination.Length), destination);
                break;
            default:
                throw new InvalidOperationException($"cannot read floats from a {Type} tensor");
        }
    }

    /// <summary>Writes one number (a timestep) into every element, in the tensor's type; integers truncate as numpy's astype does, like diffusers' ONNX pipeline.</summary>
    public void Fill(double value)
    {
        switch (Type)
        {
            case TensorElementType.Float: AsSpan<float>().Fill((float)value); break;
            case TensorElementType.Float16: AsSpan<Half>().Fill((Half)value); break;
            case TensorElementType.Int64: AsSpan<long>().Fill((long)value); break;
            case TensorElementType.Int32: AsSpan<int>().Fill((int)value); break;
            default: throw new InvalidOperationException($"cannot fill a {Type} tensor");
        }
    }

    public static int ElementSize(TensorElementType type) => type switch
    {
        TensorElementType.Float or TensorElementType.Int32 => 4,
        TensorElementType.Float16 => 2,
        TensorElementType.Int64 or TensorElementType.Double => 8,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, "unsupported tensor element type"),
    };

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Value.Dispose();
        if (_ownsMemory)
            NativeMemory.AlignedFree((void*)Pointer);
    }
}
