using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Seedtex.Vulkan;

/// <summary>
/// Records kernel dispatches into one command buffer, with descriptor sets from a pool sized for the recording.
/// Disposing it frees the pool, so it must outlive the GPU's use of the command buffer (a <see cref="GpuSubmission"/>
/// takes care of that; a host that records into its own command buffer disposes it once that frame has finished).
/// </summary>
internal sealed unsafe class KernelRecorder : IDisposable
{
    private readonly GpuContext _context;
    private readonly CommandBuffer _commandBuffer;
    /// <summary>local_size_x and local_size_y of every compute shader: 256 invocations fill lavapipe's SIMD lanes with less per-group overhead than 8x8.</summary>
    private const int GroupSize = 16;

    private readonly DescriptorPool _pool;

    public KernelRecorder(GpuContext context, CommandBuffer commandBuffer, int maxDispatches)
    {
        _context = context;
        _commandBuffer = commandBuffer;
        var sizes = stackalloc DescriptorPoolSize[2];
        sizes[0] = new DescriptorPoolSize(DescriptorType.StorageImage, (uint)(3 * maxDispatches));
        sizes[1] = new DescriptorPoolSize(DescriptorType.StorageBuffer, (uint)maxDispatches);
        var info = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = (uint)maxDispatches, PoolSizeCount = 2, PPoolSizes = sizes };
        DescriptorPool pool;
        context.Vk.CreateDescriptorPool(context.Device, &info, null, &pool).Check("vkCreateDescriptorPool");
        _pool = pool;
    }

    public CommandBuffer CommandBuffer => _commandBuffer;

    /// <summary>
    /// Dispatches <paramref name="shader"/> (specialised with <paramref name="flags"/>, see <see cref="ComputeKernels.Get"/>) over a <paramref name="width"/> x <paramref name="height"/> x <paramref name="depth"/>
    /// grid of invocations. Buffer-input kernels get <paramref name="secondOutput"/> at binding 2 (or the first output
    /// again, for kernels that do not write it).
    /// </summary>
    public void Dispatch<TPush>(string shader, uint flags, Buffer inputBuffer, ImageView inputImage, ImageView output, TPush push, int width, int height, int depth = 1, ImageView secondOutput = default)
        where TPush : unmanaged
    {
        var kernels = _context.Kernels;
        var input = inputBuffer.Handle != 0 ? KernelInput.Buffer : KernelInput.Image;
        var layout = kernels.SetLayout(input);
        var allocate = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = _pool, DescriptorSetCount = 1, PSetLayouts = &layout };
        DescriptorSet set;
        _context.Vk.AllocateDescriptorSets(_context.Device, &allocate, &set).Check("vkAllocateDescriptorSets");

        var bufferInfo = new DescriptorBufferInfo(inputBuffer, 0, Vk.WholeSize);
        var inputImageInfo = new DescriptorImageInfo(default, inputImage, ImageLayout.General);
        var outputImageInfo = new DescriptorImageInfo(default, output, ImageLayout.General);
        var secondOutputInfo = new DescriptorImageInfo(default, secondOutput.Handle != 0 ? secondOutput : output, ImageLayout.General);
        var writes = stackalloc WriteDescriptorSet[3];
        writes[0] = new WriteDescriptorSet
        {
            SType = StructureType.WriteDescriptorSet,
            DstSet = set,
            DstBinding = 0,
            DescriptorCount = 1,
            DescriptorType = input == KernelInput.Buffer ? DescriptorType.StorageBuffer : DescriptorType.StorageImage,
            PBufferInfo = input == KernelInput.Buffer ? &bufferInfo : null,
            PImageInfo = input == KernelInput.Image ? &inputImageInfo : null,
        };
        writes[1] = new WriteDescriptorSet
        {
            SType = StructureType.WriteDescriptorSet,
            DstSet = set,
            DstBinding = 1,
            DescriptorCount = 1,
            DescriptorType = DescriptorType.StorageImage,
            PImageInfo = &outputImageInfo,
        };
        writes[2] = new WriteDescriptorSet
        {
            SType = StructureType.WriteDescriptorSet,
            DstSet = set,
            DstBinding = 2,
            DescriptorCount = 1,
            DescriptorType = DescriptorType.StorageImage,
            PImageInfo = &secondOutputInfo,
        };
        _context.Vk.UpdateDescriptorSets(_context.Device, input == KernelInput.Buffer ? 3u : 2u, writes, 0, null);

        var vk = _context.Vk;
        vk.CmdBindPipeline(_commandBuffer, PipelineBindPoint.Compute, kernels.Get(shader, input, flags));
        vk.CmdBindDescriptorSets(_commandBuffer, PipelineBindPoint.Compute, kernels.Layout(input), 0, 1, &set, 0, null);
        vk.CmdPushConstants(_commandBuffer, kernels.Layout(input), ShaderStageFlags.ComputeBit, 0, (uint)sizeof(TPush), &push);
        vk.CmdDispatch(_commandBuffer, (uint)((width + GroupSize - 1) / GroupSize), (uint)((height + GroupSize - 1) / GroupSize), (uint)depth);
    }

    public void Dispose() => _context.Vk.DestroyDescriptorPool(_context.Device, _pool, null);
}
