using Seedtex.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Seedtex.Samples.HeadlessHost;

/// <summary>
/// Draws a skybox (full-screen triangle sampling a cubemap) and a textured ground plane into an offscreen
/// R8G8B8A8_SRGB image on the host's device and reads the frame back. The textures are Seedtex's, sampled
/// straight from its images through their views.
/// </summary>
public sealed unsafe class SceneRenderer
{
    private readonly HostDevice _host;
    private readonly object _queueGate;

    public SceneRenderer(HostDevice host, object queueGate)
    {
        _host = host;
        _queueGate = queueGate;
    }

    /// <summary>Renders one frame and returns its RGBA8 (sRGB-encoded) pixels, rows top to bottom.</summary>
    public byte[] Render(Camera camera, GpuTexture ground, GpuTexture sky, float planeHalfSize, float textureRepeats)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var cleanup = new Stack<Action>();
        try
        {
            var (target, targetView) = CreateTarget(camera.Width, camera.Height, cleanup);
            var renderPass = CreateRenderPass(cleanup);
            var attachment = targetView;
            var framebufferInfo = new FramebufferCreateInfo
            {
                SType = StructureType.FramebufferCreateInfo,
                RenderPass = renderPass,
                AttachmentCount = 1,
                PAttachments = &attachment,
                Width = (uint)camera.Width,
                Height = (uint)camera.Height,
                Layers = 1,
            };
            vk.CreateFramebuffer(device, &framebufferInfo, null, out var framebuffer).Check("vkCreateFramebuffer");
            cleanup.Push(() => vk.DestroyFramebuffer(device, framebuffer, null));

            var setLayout = CreateSetLayout(cleanup);
            var push = new PushConstantRange(ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, (uint)sizeof(SceneConstants));
            var layoutInfo = new PipelineLayoutCreateInfo { SType = StructureType.PipelineLayoutCreateInfo, SetLayoutCount = 1, PSetLayouts = &setLayout, PushConstantRangeCount = 1, PPushConstantRanges = &push };
            vk.CreatePipelineLayout(device, &layoutInfo, null, out var layout).Check("vkCreatePipelineLayout");
            cleanup.Push(() => vk.DestroyPipelineLayout(device, layout, null));
            var skyPipeline = CreatePipeline("sky", renderPass, layout, camera, cleanup);
            var planePipeline = CreatePipeline("plane", renderPass, layout, camera, cleanup);

            var pool = CreateDescriptorPool(cleanup);
            var groundSet = Bind(pool, setLayout, ground.SampledView, SamplerAddressMode.Repeat, cleanup);
            var skySet = Bind(pool, setLayout, sky.SampledView, SamplerAddressMode.ClampToEdge, cleanup);

            ulong frameBytes = (ulong)camera.Width * (ulong)camera.Height * 4;
            var (readback, readbackMemory) = CreateReadback(frameBytes, cleanup);

            var constants = camera.Constants(planeHalfSize, textureRepeats);
            RecordAndSubmit(cleanup, cb =>
            {
                var clear = new ClearValue(new ClearColorValue(0f, 0f, 0f, 1f));
                var begin = new RenderPassBeginInfo
                {
                    SType = StructureType.RenderPassBeginInfo,
                    RenderPass = renderPass,
                    Framebuffer = framebuffer,
                    RenderArea = new Rect2D(new Offset2D(0, 0), new Extent2D((uint)camera.Width, (uint)camera.Height)),
                    ClearValueCount = 1,
                    PClearValues = &clear,
                };
                vk.CmdBeginRenderPass(cb, &begin, SubpassContents.Inline);
                var pushed = constants;
                vk.CmdPushConstants(cb, layout, ShaderStageFlags.VertexBit | ShaderStageFlags.FragmentBit, 0, (uint)sizeof(SceneConstants), &pushed);
                vk.CmdBindPipeline(cb, PipelineBindPoint.Graphics, skyPipeline);
                var skyBinding = skySet;
                vk.CmdBindDescriptorSets(cb, PipelineBindPoint.Graphics, layout, 0, 1, &skyBinding, 0, null);
                vk.CmdDraw(cb, 3, 1, 0, 0);
                vk.CmdBindPipeline(cb, PipelineBindPoint.Graphics, planePipeline);
                var groundBinding = groundSet;
                vk.CmdBindDescriptorSets(cb, PipelineBindPoint.Graphics, layout, 0, 1, &groundBinding, 0, null);
                vk.CmdDraw(cb, 6, 1, 0, 0);
                vk.CmdEndRenderPass(cb);

                var region = new BufferImageCopy
                {
                    ImageSubresource = new ImageSubresourceLayers(ImageAspectFlags.ColorBit, 0, 0, 1),
                    ImageExtent = new Extent3D((uint)camera.Width, (uint)camera.Height, 1),
                };
                vk.CmdCopyImageToBuffer(cb, target, ImageLayout.TransferSrcOptimal, readback, 1, &region);
                var toHost = new BufferMemoryBarrier
                {
                    SType = StructureType.BufferMemoryBarrier,
                    SrcAccessMask = AccessFlags.TransferWriteBit,
                    DstAccessMask = AccessFlags.HostReadBit,
                    SrcQueueFamilyIndex = Vk.QueueFamilyIgnored,
                    DstQueueFamilyIndex = Vk.QueueFamilyIgnored,
                    Buffer = readback,
                    Size = Vk.WholeSize,
                };
                vk.CmdPipelineBarrier(cb, PipelineStageFlags.TransferBit, PipelineStageFlags.HostBit, 0, 0, null, 1, &toHost, 0, null);
            });

            void* mapped;
            vk.MapMemory(device, readbackMemory, 0, frameBytes, 0, &mapped).Check("vkMapMemory");
            var pixels = new ReadOnlySpan<byte>(mapped, (int)frameBytes).ToArray();
            vk.UnmapMemory(device, readbackMemory);
            return pixels;
        }
        finally
        {
            while (cleanup.Count > 0)
                cleanup.Pop()();
        }
    }

    private void RecordAndSubmit(Stack<Action> cleanup, Action<CommandBuffer> record)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var poolInfo = new CommandPoolCreateInfo { SType = StructureType.CommandPoolCreateInfo, QueueFamilyIndex = _host.QueueFamilyIndex };
        vk.CreateCommandPool(device, &poolInfo, null, out var pool).Check("vkCreateCommandPool");
        cleanup.Push(() => vk.DestroyCommandPool(device, pool, null));
        var allocate = new CommandBufferAllocateInfo { SType = StructureType.CommandBufferAllocateInfo, CommandPool = pool, Level = CommandBufferLevel.Primary, CommandBufferCount = 1 };
        CommandBuffer cb;
        vk.AllocateCommandBuffers(device, &allocate, &cb).Check("vkAllocateCommandBuffers");
        var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
        vk.BeginCommandBuffer(cb, &begin).Check("vkBeginCommandBuffer");
        record(cb);
        vk.EndCommandBuffer(cb).Check("vkEndCommandBuffer");

        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        vk.CreateFence(device, &fenceInfo, null, out var fence).Check("vkCreateFence");
        cleanup.Push(() => vk.DestroyFence(device, fence, null));
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &cb };
        lock (_queueGate) // the same lock the engine lends Seedtex
            vk.QueueSubmit(_host.Queue, 1, &submit, fence).Check("vkQueueSubmit");
        vk.WaitForFences(device, 1, in fence, true, ulong.MaxValue).Check("vkWaitForFences");
    }

    private (Image Image, ImageView View) CreateTarget(int width, int height, Stack<Action> cleanup)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var info = new ImageCreateInfo
        {
            SType = StructureType.ImageCreateInfo,
            ImageType = ImageType.Type2D,
            Format = Format.R8G8B8A8Srgb,
            Extent = new Extent3D((uint)width, (uint)height, 1),
            MipLevels = 1,
            ArrayLayers = 1,
            Samples = SampleCountFlags.Count1Bit,
            Tiling = ImageTiling.Optimal,
            Usage = ImageUsageFlags.ColorAttachmentBit | ImageUsageFlags.TransferSrcBit,
            InitialLayout = ImageLayout.Undefined,
        };
        vk.CreateImage(device, &info, null, out var image).Check("vkCreateImage");
        cleanup.Push(() => vk.DestroyImage(device, image, null));
        vk.GetImageMemoryRequirements(device, image, out var requirements);
        var memory = Allocate(requirements, MemoryPropertyFlags.DeviceLocalBit, cleanup);
        vk.BindImageMemory(device, image, memory, 0).Check("vkBindImageMemory");
        var viewInfo = new ImageViewCreateInfo
        {
            SType = StructureType.ImageViewCreateInfo,
            Image = image,
            ViewType = ImageViewType.Type2D,
            Format = Format.R8G8B8A8Srgb,
            SubresourceRange = new ImageSubresourceRange(ImageAspectFlags.ColorBit, 0, 1, 0, 1),
        };
        vk.CreateImageView(device, &viewInfo, null, out var view).Check("vkCreateImageView");
        cleanup.Push(() => vk.DestroyImageView(device, view, null));
        return (image, view);
    }

    private (Buffer Buffer, DeviceMemory Memory) CreateReadback(ulong size, Stack<Action> cleanup)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var info = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = size, Usage = BufferUsageFlags.TransferDstBit };
        vk.CreateBuffer(device, &info, null, out var buffer).Check("vkCreateBuffer");
        cleanup.Push(() => vk.DestroyBuffer(device, buffer, null));
        vk.GetBufferMemoryRequirements(device, buffer, out var requirements);
        var memory = Allocate(requirements, MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, cleanup);
        vk.BindBufferMemory(device, buffer, memory, 0).Check("vkBindBufferMemory");
        return (buffer, memory);
    }

    private DeviceMemory Allocate(MemoryRequirements requirements, MemoryPropertyFlags flags, Stack<Action> cleanup)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        vk.GetPhysicalDeviceMemoryProperties(_host.PhysicalDevice, out var properties);
        uint type = uint.MaxValue;
        for (uint i = 0; i < properties.MemoryTypeCount && type == uint.MaxValue; i++)
        {
            if ((requirements.MemoryTypeBits & (1u << (int)i)) != 0 && (properties.MemoryTypes[(int)i].PropertyFlags & flags) == flags)
                type = i;
        }
        if (type == uint.MaxValue)
            throw new InvalidOperationException($"no memory type with {flags}");
        var allocate = new MemoryAllocateInfo { SType = StructureType.MemoryAllocateInfo, AllocationSize = requirements.Size, MemoryTypeIndex = type };
        vk.AllocateMemory(device, &allocate, null, out var memory).Check("vkAllocateMemory");
        cleanup.Push(() => vk.FreeMemory(device, memory, null));
        return memory;
    }

    private RenderPass CreateRenderPass(Stack<Action> cleanup)
    {
        var attachment = new AttachmentDescription
        {
            Format = Format.R8G8B8A8Srgb,
            Samples = SampleCountFlags.Count1Bit,
            LoadOp = AttachmentLoadOp.Clear,
            StoreOp = AttachmentStoreOp.Store,
            StencilLoadOp = AttachmentLoadOp.DontCare,
            StencilStoreOp = AttachmentStoreOp.DontCare,
            InitialLayout = ImageLayout.Undefined,
            FinalLayout = ImageLayout.TransferSrcOptimal,
        };
        var colorReference = new AttachmentReference(0, ImageLayout.ColorAttachmentOptimal);
        var subpass = new SubpassDescription { PipelineBindPoint = PipelineBindPoint.Graphics, ColorAttachmentCount = 1, PColorAttachments = &colorReference };
        // The copy to the readback buffer waits for the colour writes.
        var dependency = new SubpassDependency
        {
            SrcSubpass = 0,
            DstSubpass = Vk.SubpassExternal,
            SrcStageMask = PipelineStageFlags.ColorAttachmentOutputBit,
            DstStageMask = PipelineStageFlags.TransferBit,
            SrcAccessMask = AccessFlags.ColorAttachmentWriteBit,
            DstAccessMask = AccessFlags.TransferReadBit,
        };
        var info = new RenderPassCreateInfo
        {
            SType = StructureType.RenderPassCreateInfo,
            AttachmentCount = 1,
            PAttachments = &attachment,
            SubpassCount = 1,
            PSubpasses = &subpass,
            DependencyCount = 1,
            PDependencies = &dependency,
        };
        var vk = _host.Vk;
        var device = _host.Device;
        vk.CreateRenderPass(device, &info, null, out var renderPass).Check("vkCreateRenderPass");
        cleanup.Push(() => vk.DestroyRenderPass(device, renderPass, null));
        return renderPass;
    }

    private DescriptorSetLayout CreateSetLayout(Stack<Action> cleanup)
    {
        var binding = new DescriptorSetLayoutBinding(0, DescriptorType.CombinedImageSampler, 1, ShaderStageFlags.FragmentBit);
        var info = new DescriptorSetLayoutCreateInfo { SType = StructureType.DescriptorSetLayoutCreateInfo, BindingCount = 1, PBindings = &binding };
        var vk = _host.Vk;
        var device = _host.Device;
        vk.CreateDescriptorSetLayout(device, &info, null, out var layout).Check("vkCreateDescriptorSetLayout");
        cleanup.Push(() => vk.DestroyDescriptorSetLayout(device, layout, null));
        return layout;
    }

    private DescriptorPool CreateDescriptorPool(Stack<Action> cleanup)
    {
        var size = new DescriptorPoolSize(DescriptorType.CombinedImageSampler, 2);
        var info = new DescriptorPoolCreateInfo { SType = StructureType.DescriptorPoolCreateInfo, MaxSets = 2, PoolSizeCount = 1, PPoolSizes = &size };
        var vk = _host.Vk;
        var device = _host.Device;
        vk.CreateDescriptorPool(device, &info, null, out var pool).Check("vkCreateDescriptorPool");
        cleanup.Push(() => vk.DestroyDescriptorPool(device, pool, null));
        return pool;
    }

    private DescriptorSet Bind(DescriptorPool pool, DescriptorSetLayout layout, ImageView view, SamplerAddressMode addressing, Stack<Action> cleanup)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var samplerInfo = new SamplerCreateInfo
        {
            SType = StructureType.SamplerCreateInfo,
            MagFilter = Filter.Linear,
            MinFilter = Filter.Linear,
            MipmapMode = SamplerMipmapMode.Linear,
            AddressModeU = addressing,
            AddressModeV = addressing,
            AddressModeW = addressing,
            MaxLod = Vk.LodClampNone,
        };
        vk.CreateSampler(device, &samplerInfo, null, out var sampler).Check("vkCreateSampler");
        cleanup.Push(() => vk.DestroySampler(device, sampler, null));
        var allocate = new DescriptorSetAllocateInfo { SType = StructureType.DescriptorSetAllocateInfo, DescriptorPool = pool, DescriptorSetCount = 1, PSetLayouts = &layout };
        vk.AllocateDescriptorSets(device, &allocate, out var set).Check("vkAllocateDescriptorSets");
        var imageInfo = new DescriptorImageInfo(sampler, view, ImageLayout.ShaderReadOnlyOptimal);
        var write = new WriteDescriptorSet
        {
            SType = StructureType.WriteDescriptorSet,
            DstSet = set,
            DstBinding = 0,
            DescriptorCount = 1,
            DescriptorType = DescriptorType.CombinedImageSampler,
            PImageInfo = &imageInfo,
        };
        vk.UpdateDescriptorSets(device, 1, &write, 0, null);
        return set;
    }

    private Pipeline CreatePipeline(string name, RenderPass renderPass, PipelineLayout layout, Camera camera, Stack<Action> cleanup)
    {
        var vk = _host.Vk;
        var device = _host.Device;
        var vertex = LoadModule($"{name}_vert.spv", cleanup);
        var fragment = LoadModule($"{name}_frag.spv", cleanup);
        var entry = "main"u8;
        fixed (byte* main = entry)
        {
            var stages = stackalloc PipelineShaderStageCreateInfo[2];
            stages[0] = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.VertexBit, Module = vertex, PName = main };
            stages[1] = new PipelineShaderStageCreateInfo { SType = StructureType.PipelineShaderStageCreateInfo, Stage = ShaderStageFlags.FragmentBit, Module = fragment, PName = main };
            var vertexInput = new PipelineVertexInputStateCreateInfo { SType = StructureType.PipelineVertexInputStateCreateInfo };
            var assembly = new PipelineInputAssemblyStateCreateInfo { SType = StructureType.PipelineInputAssemblyStateCreateInfo, Topology = PrimitiveTopology.TriangleList };
            var viewport = new Viewport(0, 0, camera.Width, camera.Height, 0, 1);
            var scissor = new Rect2D(new Offset2D(0, 0), new Extent2D((uint)camera.Width, (uint)camera.Height));
            var viewportState = new PipelineViewportStateCreateInfo { SType = StructureType.PipelineViewportStateCreateInfo, ViewportCount = 1, PViewports = &viewport, ScissorCount = 1, PScissors = &scissor };
            var raster = new PipelineRasterizationStateCreateInfo
            {
                SType = StructureType.PipelineRasterizationStateCreateInfo,
                PolygonMode = PolygonMode.Fill,
                CullMode = CullModeFlags.None,
                FrontFace = FrontFace.CounterClockwise,
                LineWidth = 1f,
            };
            var multisample = new PipelineMultisampleStateCreateInfo { SType = StructureType.PipelineMultisampleStateCreateInfo, RasterizationSamples = SampleCountFlags.Count1Bit };
            var blendAttachment = new PipelineColorBlendAttachmentState
            {
                ColorWriteMask = ColorComponentFlags.RBit | ColorComponentFlags.GBit | ColorComponentFlags.BBit | ColorComponentFlags.ABit,
            };
            var blend = new PipelineColorBlendStateCreateInfo { SType = StructureType.PipelineColorBlendStateCreateInfo, AttachmentCount = 1, PAttachments = &blendAttachment };
            var info = new GraphicsPipelineCreateInfo
            {
                SType = StructureType.GraphicsPipelineCreateInfo,
                StageCount = 2,
                PStages = stages,
                PVertexInputState = &vertexInput,
                PInputAssemblyState = &assembly,
                PViewportState = &viewportState,
                PRasterizationState = &raster,
                PMultisampleState = &multisample,
                PColorBlendState = &blend,
                Layout = layout,
                RenderPass = renderPass,
                Subpass = 0,
            };
            vk.CreateGraphicsPipelines(device, default, 1, &info, null, out var pipeline).Check($"vkCreateGraphicsPipelines ({name})");
            cleanup.Push(() => vk.DestroyPipeline(device, pipeline, null));
            return pipeline;
        }
    }

    private ShaderModule LoadModule(string resource, Stack<Action> cleanup)
    {
        using var stream = typeof(SceneRenderer).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"{resource} is not embedded; run shaders/build.sh");
        var code = new byte[stream.Length];
        stream.ReadExactly(code);
        var vk = _host.Vk;
        var device = _host.Device;
        ShaderModule created;
        fixed (byte* words = code)
        {
            var info = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)words };
            vk.CreateShaderModule(device, &info, null, &created).Check("vkCreateShaderModule");
        }
        var module = created;
        cleanup.Push(() => vk.DestroyShaderModule(device, module, null));
        return module;
    }
}
