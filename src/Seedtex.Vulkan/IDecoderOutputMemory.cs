namespace Seedtex.Vulkan;

/// <summary>
/// The seam between the diffusion pipeline and the GPU layer: memory the VAE decoder writes its output tensor into
/// (ONNX Runtime IOBinding over OrtValue.CreateTensorValueWithData) and the GPU layer reads in place.
/// <see cref="GpuTensorBuffer"/> is the implementation for ONNX Runtime's CPU provider: <see cref="Pointer"/> is a
/// CPU address of host-visible Vulkan memory. src/Seedtex.Vulkan/README.md ("Discrete GPUs and CUDA") describes the
/// second implementation this interface is shaped for, where the pointer is CUDA device memory imported from Vulkan.
/// </summary>
public interface IDecoderOutputMemory
{
    /// <summary>Address of element 0, as the decoder's execution provider addresses memory.</summary>
    nint Pointer { get; }

    /// <summary>Bytes of tensor data at <see cref="Pointer"/>.</summary>
    long ByteCount { get; }

    TensorShape Shape { get; }

    TensorElementType ElementType { get; }
}
