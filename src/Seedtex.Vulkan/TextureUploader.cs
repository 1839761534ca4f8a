using Seedtex.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// Moves <see cref="TextureData"/> (a cache hit, a CPU-path result) into a <see cref="GpuTexture"/> and back.
/// The upload goes through one staging buffer: the pixels sit in ordinary CPU memory (a file, a memory-mapped pack),
/// and a GPU-optimal image can only be filled by a copy command, so this one copy is unavoidable here. The
/// generation path does not use it: it binds the decoder's output over GPU-visible memory (<see cref="GpuTensorBuffer"/>).
/// </summary>
public static class TextureUploader
{
    /// <summary>Uploads every face and mip level and waits; the texture ends in SHADER_READ_ONLY_OPTIMAL.</summary>
    public static GpuTexture Upload(GpuContext context, TextureData data, bool exportable = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(data);
        var texture = GpuTexture.Create(context, new GpuTextureDescription(data.Format, data.Width, data.Height, data.MipCount, data.IsCubemap, exportable));
        try
        {
            using var submission = context.Submit(cb => RecordUpload(cb, data, texture));
            submission.Wait();
            return texture;
        }
        catch
        {
            texture.Dispose();
            throw;
        }
    }

    /// <summary>Records the upload into a caller's command buffer; dispose the result (the staging buffer) after the GPU is done.</summary>
    public static IDisposable RecordUpload(CommandBuffer commandBuffer, TextureData data, GpuTexture target)
    {
        var staged = Stage(data, target);
        staged.Record(commandBuffer);
        return staged;
    }

    /// <summary>
    /// Copies the pixels into a staging buffer for <paramref name="target"/> without recording anything, so the copy
    /// can happen on any thread and only <see cref="StagedUpload.Record"/> runs where the queue is used.
    /// </summary>
    public static unsafe StagedUpload Stage(TextureData data, GpuTexture target)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(target);
        if (data.Format != target.Format || data.Width != target.Width || data.Height != target.Height || data.MipCount != target.MipLevels || data.IsCubemap != target.IsCubemap)
            throw SeedtexException.Argument($"texture data {data.Width}x{data.Height} {data.Format} ({data.MipCount} mips, {data.FaceCount} faces) does not match the GPU texture");
        var staging = MappedBuffer.Allocate(target.Context, data.Pixels.Length, BufferUsageFlags.TransferSrcBit);
        data.Pixels.Span.CopyTo(new Span<byte>((void*)staging.Pointer, data.Pixels.Length));
        return new StagedUpload(target, staging, Regions(data));
    }

    /// <summary>Reads every face and mip level back into a <see cref="TextureData"/> (for the cache and for tests); waits.</summary>
    public static unsafe TextureData Download(GpuContext context, GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(texture);
        int faces = texture.IsCubemap ? 6 : 1;
        var pixels = new byte[TextureData.ByteCount(texture.Format, texture.Width, texture.Height, texture.MipLevels, faces)];
        var data = new TextureData(texture.Format, texture.Width, texture.Height, texture.MipLevels, faces, pixels);
        using var staging = MappedBuffer.Allocate(context, pixels.Length, BufferUsageFlags.TransferDstBit);
        var regions = Regions(data);
        context.SubmitAndWait(cb =>
        {
            var restore = texture.Layout == ImageLayout.Undefined ? ImageLayout.General : texture.Layout;
            texture.RecordBarrier(cb, texture.Layout, ImageLayout.TransferSrcOptimal,
                PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryWriteBit, PipelineStageFlags.TransferBit, AccessFlags.TransferReadBit);
            fixed (BufferImageCopy* r = regions)
                context.Vk.CmdCopyImageToBuffer(cb, texture.Image, ImageLayout.TransferSrcOptimal, staging.Buffer, (uint)regions.Length, r);
            texture.RecordBarrier(cb, ImageLayout.TransferSrcOptimal, restore,
                PipelineStageFlags.TransferBit, 0, PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryReadBit);
            var toHost = new BufferMemoryBarrier
            {
                SType = StructureType.BufferMemoryBarrier,
                SrcAccessMask = AccessFlags.TransferWriteBit,
                DstAccessMask = AccessFlags.HostReadBit,
                SrcQueueFamilyIndex = Vk.QueueFamilyIgnored,
                DstQueueFamilyIndex = Vk.QueueFamilyIgnored,
                Buffer = staging.Buffer,
                Size = Vk.WholeSize,
            };
            context.Vk.CmdPipelineBarrier(cb, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 0, null, 1, &toHost, 0, null);
        });
        new ReadOnlySpan<byte>((void*)staging.Pointer, pixels.Length).CopyTo(pixels);
        return data;
    }

    internal static BufferImageCopy[] Regions(TextureData data)
    {
        var regions = new BufferImageCopy[data.FaceCount * data.MipCount];
        for (int face = 0; face < data.FaceCount; face++)
        {
            for (int level = 0; level < data.MipCount; level++)
            {
                var m = data.Level(face, level);
                regions[(face * data.MipCount) + level] = new BufferImageCopy
                {
                    BufferOffset = (ulong)m.Offset,
                    ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, (uint)level, (uint)face, 1),
                    ImageExtent = new Extent3D((uint)m.Width, (uint)m.Height, 1),
                };
            }
        }
        return regions;
    }
}
