using Seedtex.Core;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Seedtex.Vulkan;

/// <summary>
/// A VkBuffer whose memory the CPU sees at <see cref="Pointer"/> for its whole life: either a host-visible allocation
/// mapped once, or caller memory imported with VK_EXT_external_memory_host. Memory is host-coherent, so CPU writes
/// made before vkQueueSubmit are visible to the GPU without flushes.
/// </summary>
internal sealed unsafe class MappedBuffer : IDisposable
{
    private readonly GpuContext _context;
    private readonly DeviceMemory _memory;
    private readonly bool _mapped;
    private bool _disposed;

    private MappedBuffer(GpuContext context, Buffer buffer, DeviceMemory memory, nint pointer, long size, bool mapped)
    {
        _context = context;
        Buffer = buffer;
        _memory = memory;
        Pointer = pointer;
        Size = size;
        _mapped = mapped;
    }

    public Buffer Buffer { get; }
    public nint Pointer { get; }
    public long Size { get; }

    /// <summary>
    /// Allocates and maps a buffer of <paramref name="size"/> bytes. With <paramref name="pointerAlignment"/> the
    /// buffer is bound at an offset inside a slightly larger allocation so that <see cref="Pointer"/> is aligned to it
    /// (vkMapMemory itself promises only minMemoryMapAlignment, often 64 bytes).
    /// </summary>
    public static MappedBuffer Allocate(GpuContext context, long size, BufferUsageFlags usage, int pointerAlignment = 0)
    {
        var vk = context.Vk;
        var buffer = CreateBuffer(context, size, usage, null);
        var memory = default(DeviceMemory);
        try
        {
            vk.GetBufferMemoryRequirements(context.Device, buffer, out var requirements);
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                AllocationSize = requirements.Size + (ulong)pointerAlignment,
                MemoryTypeIndex = context.FindMemoryType(requirements.MemoryTypeBits,
                    MemoryPropertyFlags.HostVisibleBit | MemoryPropertyFlags.HostCoherentBit, MemoryPropertyFlags.DeviceLocalBit),
            };
            vk.AllocateMemory(context.Device, &allocate, null, &memory).Check("vkAllocateMemory");
            void* mapped;
            vk.MapMemory(context.Device, memory, 0, Vk.WholeSize, 0, &mapped).Check("vkMapMemory");
            ulong padding = pointerAlignment > 0 ? (ulong)((pointerAlignment - ((long)mapped % pointerAlignment)) % pointerAlignment) : 0;
            if (padding % requirements.Alignment != 0)
                throw new SeedtexException(SeedtexErrorKind.Gpu,
                    $"cannot place a buffer at a {pointerAlignment}-byte aligned address on '{context.DeviceName}' (buffer alignment {requirements.Alignment}); import aligned host memory instead");
            vk.BindBufferMemory(context.Device, buffer, memory, padding).Check("vkBindBufferMemory");
            return new MappedBuffer(context, buffer, memory, (nint)((byte*)mapped + padding), size, mapped: true);
        }
        catch
        {
            vk.DestroyBuffer(context.Device, buffer, null);
            if (memory.Handle != 0)
                vk.FreeMemory(context.Device, memory, null);
            throw;
        }
    }

    /// <summary>Wraps caller memory with VK_EXT_external_memory_host; the caller keeps it alive and frees it after disposal.</summary>
    public static MappedBuffer ImportHostMemory(GpuContext context, nint pointer, long size, BufferUsageFlags usage)
    {
        var getProperties = (delegate* unmanaged<Device, ExternalMemoryHandleTypeFlags, void*, MemoryHostPointerPropertiesEXT*, Result>)
            context.DeviceFunction(GpuContext.ExternalMemoryHostExtension, "vkGetMemoryHostPointerPropertiesEXT");
        long alignment = HostPointerAlignment(context);
        if (pointer == 0 || pointer % alignment != 0 || size <= 0 || size % alignment != 0)
            throw new SeedtexException(SeedtexErrorKind.Gpu,
                $"host memory at 0x{pointer:x} with {size} bytes cannot be imported: address and size must be multiples of {alignment} bytes on '{context.DeviceName}' (allocate with NativeMemory.AlignedAlloc and round the size up)");
        const ExternalMemoryHandleTypeFlags handleType = ExternalMemoryHandleTypeFlags.HostAllocationBitExt;
        var hostProperties = new MemoryHostPointerPropertiesEXT { SType = StructureType.MemoryHostPointerPropertiesExt };
        getProperties(context.Device, handleType, (void*)pointer, &hostProperties).Check("vkGetMemoryHostPointerPropertiesEXT");

        var external = new ExternalMemoryBufferCreateInfo { SType = StructureType.ExternalMemoryBufferCreateInfo, HandleTypes = handleType };
        var vk = context.Vk;
        var buffer = CreateBuffer(context, size, usage, &external);
        var memory = default(DeviceMemory);
        try
        {
            vk.GetBufferMemoryRequirements(context.Device, buffer, out var requirements);
            var import = new ImportMemoryHostPointerInfoEXT { SType = StructureType.ImportMemoryHostPointerInfoExt, HandleType = handleType, PHostPointer = (void*)pointer };
            var allocate = new MemoryAllocateInfo
            {
                SType = StructureType.MemoryAllocateInfo,
                PNext = &import,
                AllocationSize = (ulong)size,
                MemoryTypeIndex = context.FindMemoryType(requirements.MemoryTypeBits & hostProperties.MemoryTypeBits, MemoryPropertyFlags.HostVisibleBit),
            };
            vk.AllocateMemory(context.Device, &allocate, null, &memory).Check("vkAllocateMemory (host pointer import)");
            vk.BindBufferMemory(context.Device, buffer, memory, 0).Check("vkBindBufferMemory");
            return new MappedBuffer(context, buffer, memory, pointer, size, mapped: false);
        }
        catch
        {
            vk.DestroyBuffer(context.Device, buffer, null);
            if (memory.Handle != 0)
                vk.FreeMemory(context.Device, memory, null);
            throw;
        }
    }

    /// <summary>minImportedHostPointerAlignment of the device (4096 on lavapipe and most desktop drivers).</summary>
    public static long HostPointerAlignment(GpuContext context)
    {
        var hostProperties = new PhysicalDeviceExternalMemoryHostPropertiesEXT { SType = StructureType.PhysicalDeviceExternalMemoryHostPropertiesExt };
        var properties = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &hostProperties };
        context.Vk.GetPhysicalDeviceProperties2(context.PhysicalDevice, &properties);
        return (long)Math.Max(hostProperties.MinImportedHostPointerAlignment, 1UL);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        var vk = _context.Vk;
        vk.DestroyBuffer(_context.Device, Buffer, null);
        if (_mapped)
            vk.UnmapMemory(_context.Device, _memory);
        vk.FreeMemory(_context.Device, _memory, null);
    }

    private static Buffer CreateBuffer(GpuContext context, long size, BufferUsageFlags usage, void* next)
    {
        if (size <= 0)
            throw SeedtexException.Argument($"buffer size {size} must be positive");
        var info = new BufferCreateInfo
        {
            SType = StructureType.BufferCreateInfo,
            PNext = next,
            Size = (ulong)size,
            Usage = usage,
            SharingMode = SharingMode.Exclusive,
        };
        Buffer buffer;
        context.Vk.CreateBuffer(context.Device, &info, null, &buffer).Check("vkCreateBuffer");
        return buffer;
    }
}
