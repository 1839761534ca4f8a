using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// A texture's pixels already in a GPU-visible staging buffer (<see cref="TextureUploader.Stage"/>), waiting to be
/// recorded: the copy into the image plus the layout changes, ending in SHADER_READ_ONLY_OPTIMAL. Owns the staging
/// buffer; dispose it once the GPU has executed the recorded commands.
/// </summary>
public sealed class StagedUpload : IDisposable
{
    private readonly MappedBuffer _staging;
    private readonly BufferImageCopy[] _regions;

    internal StagedUpload(GpuTexture target, MappedBuffer staging, BufferImageCopy[] regions)
    {
        Target = target;
        _staging = staging;
        _regions = regions;
    }

    public GpuTexture Target { get; }

    /// <summary>Records the copy of every face and level and the barriers around it.</summary>
    public unsafe void Record(CommandBuffer commandBuffer)
    {
        Target.RecordBarrier(commandBuffer, ImageLayout.Undefined, ImageLayout.TransferDstOptimal,
            PipelineStageFlags.TopOfPipeBit, 0, PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit);
        fixed (BufferImageCopy* r = _regions)
            Target.Context.Vk.CmdCopyBufferToImage(commandBuffer, _staging.Buffer, Target.Image, ImageLayout.TransferDstOptimal, (uint)_regions.Length, r);
        Target.RecordBarrier(commandBuffer, ImageLayout.TransferDstOptimal, ImageLayout.ShaderReadOnlyOptimal,
            PipelineStageFlags.TransferBit, AccessFlags.TransferWriteBit, PipelineStageFlags.AllCommandsBit, AccessFlags.ShaderReadBit);
    }

    public void Dispose() => _staging.Dispose();
}
