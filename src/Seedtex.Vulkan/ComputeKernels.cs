using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// The two resource shapes the compute shaders use: binding 0 (a storage buffer or image) read, binding 1 image
/// written; buffer-input kernels also have binding 2, a second output image (mip level 1 of a fused conversion).
/// </summary>
internal enum KernelInput
{
    Buffer,
    Image,
}

/// <summary>
/// Compute pipelines of one device, created on first use and kept until the context is disposed. Every kernel has
/// one descriptor set (see <see cref="KernelInput"/>) and up to 16 bytes of push constants.
/// </summary>
internal sealed unsafe class ComputeKernels : IDisposable
{
    public const uint PushConstantBytes = 16;

    private readonly GpuContext _context;
    private readonly Dictionary<(string Shader, uint Flags), Pipeline> _pipelines = [];
    private readonly DescriptorSetLayout[] _setLayouts = new DescriptorSetLayout[2];
    private readonly PipelineLayout[] _pipelineLayouts = new PipelineLayout[2];

    public ComputeKernels(GpuContext context)
    {
        _context = context;
        var bindings = stackalloc DescriptorSetLayoutBinding[3];
        foreach (var input in new[] { KernelInput.Buffer, KernelInput.Image })
        {
            bindings[0] = new DescriptorSetLayoutBinding(0, input == KernelInput.Buffer ? DescriptorType.StorageBuffer : DescriptorType.StorageImage, 1, ShaderStageFlags.ComputeBit);
            bindings[1] = new DescriptorSetLayoutBinding(1, DescriptorType.StorageImage, 1, ShaderStageFlags.ComputeBit);
            bindings[2] = new DescriptorSetLayoutBinding(2, DescriptorType.StorageImage, 1, ShaderStageFlags.ComputeBit);
            var setInfo = new DescriptorSetLayoutCreateInfo
            {
                SType = StructureType.DescriptorSetLayoutCreateInfo,
                BindingCount = input == KernelInput.Buffer ? 3u : 2u,
                PBindings = bindings,
            };
            DescriptorSetLayout setLayout;
            context.Vk.CreateDescriptorSetLayout(context.Device, &setInfo, null, &setLayout).Check("vkCreateDescriptorSetLayout");
            _setLayouts[(int)input] = setLayout;
            var push = new PushConstantRange(ShaderStageFlags.ComputeBit, 0, PushConstantBytes);
            var layoutInfo = new PipelineLayoutCreateInfo
            {
                SType = StructureType.PipelineLayoutCreateInfo,
                SetLayoutCount = 1,
                PSetLayouts = &setLayout,
                PushConstantRangeCount = 1,
                PPushConstantRanges = &push,
            };
            PipelineLayout pipelineLayout;
            context.Vk.CreatePipelineLayout(context.Device, &layoutInfo, null, &pipelineLayout).Check("vkCreatePipelineLayout");
            _pipelineLayouts[(int)input] = pipelineLayout;
        }
    }

    public DescriptorSetLayout SetLayout(KernelInput input) => _setLayouts[(int)input];

    public PipelineLayout Layout(KernelInput input) => _pipelineLayouts[(int)input];

    /// <summary>Number of boolean specialisation constants (ids 0..) a kernel may have.</summary>
    public const int SpecializationCount = 2;

    /// <summary>The pipeline for <paramref name="shader"/>; bit i of <paramref name="flags"/> sets bool specialisation constant i.</summary>
    public Pipeline Get(string shader, KernelInput input, uint flags)
    {
        lock (_pipelines)
        {
            if (_pipelines.TryGetValue((shader, flags), out var existing))
                return existing;
            var code = ShaderLibrary.Load(shader);
            ShaderModule module;
            fixed (byte* words = code)
            {
                var moduleInfo = new ShaderModuleCreateInfo { SType = StructureType.ShaderModuleCreateInfo, CodeSize = (nuint)code.Length, PCode = (uint*)words };
                _context.Vk.CreateShaderModule(_context.Device, &moduleInfo, null, &module).Check("vkCreateShaderModule");
            }
            try
            {
                // Entries for ids a shader does not declare are ignored by Vulkan.
                var values = stackalloc uint[SpecializationCount];
                var entries = stackalloc SpecializationMapEntry[SpecializationCount];
                for (uint i = 0; i < SpecializationCount; i++)
                {
                    values[i] = (flags >> (int)i) & 1u;
                    entries[i] = new SpecializationMapEntry(i, i * sizeof(uint), sizeof(uint));
                }
                var specialization = new SpecializationInfo(SpecializationCount, entries, SpecializationCount * sizeof(uint), values);
                var main = "main"u8;
                fixed (byte* name = main)
                {
                    var info = new ComputePipelineCreateInfo
                    {
                        SType = StructureType.ComputePipelineCreateInfo,
                        Stage = new PipelineShaderStageCreateInfo
                        {
                            SType = StructureType.PipelineShaderStageCreateInfo,
                            Stage = ShaderStageFlags.ComputeBit,
                            Module = module,
                            PName = name,
                            PSpecializationInfo = &specialization,
                        },
                        Layout = Layout(input),
                    };
                    Pipeline pipeline;
                    _context.Vk.CreateComputePipelines(_context.Device, default, 1, &info, null, &pipeline).Check($"vkCreateComputePipelines ({shader})");
                    _pipelines[(shader, flags)] = pipeline;
                    return pipeline;
                }
            }
            finally
            {
                _context.Vk.DestroyShaderModule(_context.Device, module, null);
            }
        }
    }

    public void Dispose()
    {
        var vk = _context.Vk;
        foreach (var pipeline in _pipelines.Values)
            vk.DestroyPipeline(_context.Device, pipeline, null);
        for (int i = 0; i < 2; i++)
        {
            vk.DestroyPipelineLayout(_context.Device, _pipelineLayouts[i], null);
            vk.DestroyDescriptorSetLayout(_context.Device, _setLayouts[i], null);
        }
    }
}
