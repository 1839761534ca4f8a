using Seedtex.Core;
using Seedtex.Imaging;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// The GPU kernels (shaders/*.comp) as operations on <see cref="GpuTensorBuffer"/> and <see cref="GpuTexture"/>.
/// Each operation exists twice: <c>Record...</c> writes it into a command buffer the caller owns (a host's
/// render-thread callback; dispose the returned object once the GPU has finished that command buffer), and the
/// plain form submits it to the context's queue. Results end in SHADER_READ_ONLY_OPTIMAL with every mip level.
/// CPU twins with the same maths live in Seedtex.Imaging.
/// </summary>
public sealed class ImageConverter(GpuContext context)
{
    private readonly GpuContext _context = context ?? throw new ArgumentNullException(nameof(context));

    /// <summary>Tensor (NCHW, batch 0, 3 or 4 channels in [-1, 1]) into <paramref name="target"/> level 0, then its mips.</summary>
    public IDisposable RecordTensorToTexture(CommandBuffer commandBuffer, GpuTensorBuffer tensor, GpuTexture target)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        ArgumentNullException.ThrowIfNull(target);
        var shape = tensor.Shape;
        if (shape.Channels is not (3 or 4))
            throw SeedtexException.Argument($"tensor has {shape.Channels} channels; an image needs 3 (RGB) or 4 (RGBA)");
        if (shape.Width != target.Width || shape.Height != target.Height || target.IsCubemap)
            throw SeedtexException.Argument($"tensor {shape.Width}x{shape.Height} does not match the 2D target {target.Width}x{target.Height}");
        string shader = target.Format switch
        {
            PixelFormat.Rgba8Srgb => "tensor_to_image_rgba8.spv",
            PixelFormat.Rgba16Float => "tensor_to_image_rgba16f.spv",
            _ => throw SeedtexException.Argument($"tensor conversion writes Rgba8Srgb or Rgba16Float, not {target.Format}"),
        };
        var recorder = new KernelRecorder(_context, commandBuffer, target.MipLevels);
        target.RecordBarrier(commandBuffer, ImageLayout.Undefined, ImageLayout.General,
            PipelineStageFlags.TopOfPipeBit, 0, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit);
        // Even sizes: the conversion also writes mip level 1 (one invocation per 2x2 block), skipping a full pass.
        bool fuse = target.MipLevels > 1 && shape.Width % 2 == 0 && shape.Height % 2 == 0;
        uint flags = (tensor.ElementType == TensorElementType.Float16 ? 1u : 0u) | (fuse ? 2u : 0u);
        recorder.Dispatch(shader, flags, tensor.Buffer, default, target.StorageView(0, arrayed: false),
            new SizePush((uint)shape.Width, (uint)shape.Height, (uint)shape.Channels, 0),
            fuse ? shape.Width / 2 : shape.Width, fuse ? shape.Height / 2 : shape.Height,
            secondOutput: fuse ? target.StorageView(1, arrayed: false) : default);
        RecordMipLevels(recorder, target, firstLevel: fuse ? 2 : 1);
        RecordFinish(commandBuffer, target);
        return recorder;
    }

    /// <summary>Fills levels 1.. of <paramref name="texture"/> from its level 0 (kept as it is).</summary>
    public IDisposable RecordGenerateMips(CommandBuffer commandBuffer, GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        MipShader(texture.Format);
        var recorder = new KernelRecorder(_context, commandBuffer, texture.MipLevels);
        texture.RecordBarrier(commandBuffer, texture.Layout, ImageLayout.General,
            PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryWriteBit, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit | AccessFlags.ShaderWriteBit);
        RecordMipLevels(recorder, texture);
        RecordFinish(commandBuffer, texture);
        return recorder;
    }

    /// <summary>Equirectangular <paramref name="panorama"/> (2D) into the six faces of <paramref name="cube"/>, then the cube's mips.</summary>
    public IDisposable RecordEquirectToCube(CommandBuffer commandBuffer, GpuTexture panorama, GpuTexture cube)
    {
        ArgumentNullException.ThrowIfNull(panorama);
        ArgumentNullException.ThrowIfNull(cube);
        if (panorama.IsCubemap || !cube.IsCubemap || panorama.Format != cube.Format)
            throw SeedtexException.Argument($"equirect to cube needs a 2D panorama and a cubemap of the same format (got {panorama.Format} -> {cube.Format}, cube: {cube.IsCubemap})");
        string shader = cube.Format switch
        {
            PixelFormat.Rgba8Srgb => "equirect_to_cube_rgba8.spv",
            PixelFormat.Rgba16Float => "equirect_to_cube_rgba16f.spv",
            _ => throw SeedtexException.Argument($"cubemaps are made from Rgba8Srgb or Rgba16Float panoramas, not {cube.Format}"),
        };
        var recorder = new KernelRecorder(_context, commandBuffer, cube.MipLevels);
        var panoramaLayout = panorama.Layout == ImageLayout.Undefined ? ImageLayout.General : panorama.Layout;
        panorama.RecordBarrier(commandBuffer, panorama.Layout, ImageLayout.General,
            PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryWriteBit, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit);
        cube.RecordBarrier(commandBuffer, ImageLayout.Undefined, ImageLayout.General,
            PipelineStageFlags.TopOfPipeBit, 0, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit);
        recorder.Dispatch(shader, 0, default, panorama.StorageView(0, arrayed: false), cube.StorageView(0, arrayed: true),
            new SizePush((uint)panorama.Width, (uint)panorama.Height, (uint)cube.Width, 0), cube.Width, cube.Height, 6);
        RecordMipLevels(recorder, cube);
        RecordFinish(commandBuffer, cube);
        panorama.RecordBarrier(commandBuffer, ImageLayout.General, panoramaLayout,
            PipelineStageFlags.ComputeShaderBit, 0, PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryReadBit);
        return recorder;
    }

    /// <summary>Height field (float32 tensor [1,1,H,W]) into an Rgba8Unorm normal map, then its mips.</summary>
    public IDisposable RecordNormalFromHeight(CommandBuffer commandBuffer, GpuTensorBuffer heights, GpuTexture target, NormalMapOptions options)
    {
        ArgumentNullException.ThrowIfNull(heights);
        ArgumentNullException.ThrowIfNull(target);
        if (heights.ElementType != TensorElementType.Float32 || heights.Shape.Channels != 1)
            throw SeedtexException.Argument($"height field must be a float32 [1,1,H,W] tensor, not {heights.ElementType} with {heights.Shape.Channels} channels");
        if (target.Format != PixelFormat.Rgba8Unorm || target.IsCubemap || heights.Shape.Width != target.Width || heights.Shape.Height != target.Height)
            throw SeedtexException.Argument($"normal map target must be a 2D Rgba8Unorm {heights.Shape.Width}x{heights.Shape.Height} texture");
        if (!float.IsFinite(options.Strength))
            throw SeedtexException.Argument($"normal map strength {options.Strength} must be a finite number");
        var recorder = new KernelRecorder(_context, commandBuffer, target.MipLevels);
        target.RecordBarrier(commandBuffer, ImageLayout.Undefined, ImageLayout.General,
            PipelineStageFlags.TopOfPipeBit, 0, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit);
        uint flags = (options.Wrap ? 1u : 0u) | (options.Convention == NormalMapConvention.DirectX ? 2u : 0u);
        recorder.Dispatch("normal_from_height.spv", 0, heights.Buffer, default, target.StorageView(0, arrayed: false),
            new NormalPush((uint)target.Width, (uint)target.Height, options.Strength, flags), target.Width, target.Height);
        RecordMipLevels(recorder, target);
        RecordFinish(commandBuffer, target);
        return recorder;
    }

    /// <summary>Submits <see cref="RecordTensorToTexture"/> to the context's queue; the submission's fence signals completion.</summary>
    public GpuSubmission SubmitTensorToTexture(GpuTensorBuffer tensor, GpuTexture target) =>
        _context.Submit(cb => RecordTensorToTexture(cb, tensor, target));

    /// <summary>A new texture of <paramref name="format"/> made from <paramref name="tensor"/>, ready to sample when this returns.</summary>
    public GpuTexture TensorToTexture(GpuTensorBuffer tensor, PixelFormat format, bool withMips)
    {
        ArgumentNullException.ThrowIfNull(tensor);
        return CreateAndRun(new GpuTextureDescription(format, tensor.Shape.Width, tensor.Shape.Height, MipCount(tensor.Shape.Width, tensor.Shape.Height, withMips)),
            (cb, texture) => RecordTensorToTexture(cb, tensor, texture));
    }

    /// <summary>A new cubemap with faces of <paramref name="faceSize"/> pixels from an equirectangular panorama.</summary>
    public GpuTexture EquirectToCube(GpuTexture panorama, int faceSize, bool withMips)
    {
        ArgumentNullException.ThrowIfNull(panorama);
        return CreateAndRun(new GpuTextureDescription(panorama.Format, faceSize, faceSize, MipCount(faceSize, faceSize, withMips), Cubemap: true),
            (cb, cube) => RecordEquirectToCube(cb, panorama, cube));
    }

    /// <summary>A new Rgba8Unorm normal map from a float32 [1,1,H,W] height tensor.</summary>
    public GpuTexture NormalFromHeight(GpuTensorBuffer heights, NormalMapOptions options, bool withMips)
    {
        ArgumentNullException.ThrowIfNull(heights);
        return CreateAndRun(new GpuTextureDescription(PixelFormat.Rgba8Unorm, heights.Shape.Width, heights.Shape.Height, MipCount(heights.Shape.Width, heights.Shape.Height, withMips)),
            (cb, texture) => RecordNormalFromHeight(cb, heights, texture, options));
    }

    /// <summary>Fills the mip levels of <paramref name="texture"/> from level 0 and waits.</summary>
    public void GenerateMips(GpuTexture texture)
    {
        using var submission = _context.Submit(cb => RecordGenerateMips(cb, texture));
        submission.Wait();
    }

    private GpuTexture CreateAndRun(GpuTextureDescription description, Func<CommandBuffer, GpuTexture, IDisposable> record)
    {
        var texture = GpuTexture.Create(_context, description);
        try
        {
            using var submission = _context.Submit(cb => record(cb, texture));
            submission.Wait();
            return texture;
        }
        catch
        {
            texture.Dispose();
            throw;
        }
    }

    private static int MipCount(int width, int height, bool withMips) => withMips ? TextureData.FullMipCount(width, height) : 1;

    private static string MipShader(PixelFormat format) => format switch
    {
        PixelFormat.Rgba8Srgb or PixelFormat.Rgba8Unorm => "mip_downsample_rgba8.spv",
        PixelFormat.Rgba16Float => "mip_downsample_rgba16f.spv",
        _ => throw SeedtexException.Argument($"GPU mips are made for Rgba8Srgb, Rgba8Unorm and Rgba16Float, not {format}"),
    };

    // Levels firstLevel.. from the level above, all layers at once; each level waits for the previous one's writes.
    private static void RecordMipLevels(KernelRecorder recorder, GpuTexture texture, int firstLevel = 1)
    {
        string shader = MipShader(texture.Format);
        for (int level = firstLevel; level < texture.MipLevels; level++)
        {
            texture.RecordBarrier(recorder.CommandBuffer, ImageLayout.General, ImageLayout.General,
                PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderReadBit,
                level - 1, 1);
            int sw = Math.Max(1, texture.Width >> (level - 1)), sh = Math.Max(1, texture.Height >> (level - 1));
            int dw = Math.Max(1, texture.Width >> level), dh = Math.Max(1, texture.Height >> level);
            // Exact halving (2x2 box) when both sizes are even; 1 -> 1 along an axis also qualifies (the fetch clamps).
            bool halving = (sw == 1 || sw % 2 == 0) && (sh == 1 || sh % 2 == 0);
            uint flags = (texture.Format == PixelFormat.Rgba8Srgb ? 1u : 0u) | (halving ? 2u : 0u);
            recorder.Dispatch(shader, flags, default, texture.StorageView(level - 1, arrayed: true), texture.StorageView(level, arrayed: true),
                new SizePush((uint)sw, (uint)sh, (uint)dw, (uint)dh), dw, dh, texture.IsCubemap ? 6 : 1);
        }
    }

    private static void RecordFinish(CommandBuffer commandBuffer, GpuTexture texture) =>
        texture.RecordBarrier(commandBuffer, ImageLayout.General, ImageLayout.ShaderReadOnlyOptimal,
            PipelineStageFlags.ComputeShaderBit, AccessFlags.ShaderWriteBit, PipelineStageFlags.AllCommandsBit, AccessFlags.ShaderReadBit);

    private readonly record struct SizePush(uint A, uint B, uint C, uint D);

    private readonly record struct NormalPush(uint Width, uint Height, float Strength, uint Flags);
}
