using System.Runtime.InteropServices;
using Seedtex.Core;
using Silk.NET.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// The Vulkan device Seedtex works in: either its own headless one (<see cref="CreateHeadless"/>: CLI, tests,
/// build servers) or the host renderer's (<see cref="Adopt"/>), so generated images live in the memory the engine
/// samples from. An adopted context destroys only what it created (command pool, pipelines, its images and buffers),
/// never the host's instance, device or queue.
/// <para>
/// Queue: all work Seedtex submits itself goes to <see cref="Queue"/> (the host's queue when adopted), one
/// vkQueueSubmit per operation, each signalling its own fence (<see cref="GpuSubmission"/>). When the host guards
/// that queue with a lock it lends it as <see cref="HostVulkanDevice.QueueLock"/>; Seedtex takes it only around
/// vkQueueSubmit. Hosts that must not be submitted to at all (Unity) record the same work into their own command
/// buffer instead (the <c>Record...</c> methods of <see cref="ImageConverter"/>).
/// </para>
/// <para>Dispose every <see cref="GpuSubmission"/>, texture and buffer before the context.</para>
/// </summary>
public sealed unsafe class GpuContext : IDisposable
{
    public const string ExternalMemoryFdExtension = "VK_KHR_external_memory_fd";
    public const string ExternalMemoryHostExtension = "VK_EXT_external_memory_host";
    private const string ValidationLayer = "VK_LAYER_KHRONOS_validation";
    private const string DebugUtilsExtension = "VK_EXT_debug_utils";

    private readonly ProcAddressContext _loader;
    private readonly IQueueLock? _queueLock;
    private readonly HashSet<string> _deviceExtensions;
    private readonly object _commandPoolGate = new();
    private readonly CommandPool _commandPool;
    private readonly DebugMessenger? _messenger;
    private ComputeKernels? _kernels;
    private bool _disposed;

    private GpuContext(ProcAddressContext loader, Vk vk, Instance instance, PhysicalDevice physicalDevice, Device device,
        uint queueFamilyIndex, Queue queue, uint apiVersion, IEnumerable<string> deviceExtensions, bool ownsDevice,
        IQueueLock? queueLock, DebugMessenger? messenger)
    {
        _loader = loader;
        Vk = vk;
        Instance = instance;
        PhysicalDevice = physicalDevice;
        Device = device;
        QueueFamilyIndex = queueFamilyIndex;
        Queue = queue;
        ApiVersion = apiVersion;
        OwnsDevice = ownsDevice;
        _queueLock = queueLock;
        _messenger = messenger;
        _deviceExtensions = new HashSet<string>(deviceExtensions, StringComparer.Ordinal);
        vk.GetPhysicalDeviceMemoryProperties(physicalDevice, out var memory);
        MemoryProperties = memory;
        vk.GetPhysicalDeviceProperties(physicalDevice, out var properties);
        DeviceName = Marshal.PtrToStringUTF8((nint)properties.DeviceName) ?? "";
        Limits = properties.Limits;

        var poolInfo = new CommandPoolCreateInfo
        {
            SType = StructureType.CommandPoolCreateInfo,
            QueueFamilyIndex = queueFamilyIndex,
            Flags = CommandPoolCreateFlags.ResetCommandBufferBit | CommandPoolCreateFlags.TransientBit,
        };
        CommandPool pool;
        vk.CreateCommandPool(device, &poolInfo, null, &pool).Check("vkCreateCommandPool");
        _commandPool = pool;
    }

    /// <summary>The function table for this context's device (one <see cref="Silk.NET.Vulkan.Vk"/> per device).</summary>
    public Vk Vk { get; }
    public Instance Instance { get; }
    public PhysicalDevice PhysicalDevice { get; }
    public Device Device { get; }
    public uint QueueFamilyIndex { get; }
    public Queue Queue { get; }
    public uint ApiVersion { get; }
    public string DeviceName { get; }
    /// <summary>True for a headless context: it created, and will destroy, the instance and device.</summary>
    public bool OwnsDevice { get; }
    internal PhysicalDeviceMemoryProperties MemoryProperties { get; }
    internal PhysicalDeviceLimits Limits { get; }
    internal ComputeKernels Kernels => _kernels ??= new ComputeKernels(this);

    /// <summary>Whether <paramref name="extension"/> is enabled on the device (and so may be called).</summary>
    public bool IsExtensionEnabled(string extension) => _deviceExtensions.Contains(extension);

    /// <summary>Creates Seedtex's own instance and device on the first Vulkan device with a compute queue.</summary>
    public static GpuContext CreateHeadless(GpuContextOptions? options = null)
    {
        options ??= new GpuContextOptions();
        var loader = new ProcAddressContext(ProcAddressContext.SystemGetInstanceProcAddr);
        var vk = new Vk(loader);
        DebugMessenger? messenger = null;
        var instance = default(Instance);
        var device = default(Device);
        try
        {
            bool debugUtils = options.EnableValidation || options.OnMessage != null;
            if (options.EnableValidation && !InstanceLayers(vk).Contains(ValidationLayer))
                throw new SeedtexException(SeedtexErrorKind.Gpu, $"{ValidationLayer} is not installed; install the Vulkan validation layers (Debian: vulkan-validationlayers) or turn validation off");
            messenger = debugUtils ? new DebugMessenger(options.OnMessage) : null;
            instance = CreateInstance(vk, options.EnableValidation, messenger);
            loader.SetInstance(instance.Handle);
            messenger?.Attach(vk, instance);

            var (physicalDevice, family) = PickDevice(vk, instance, options.DeviceNameFilter);
            var available = DeviceExtensions(vk, physicalDevice);
            string[] wanted = [ExternalMemoryFdExtension, ExternalMemoryHostExtension];
            var enabled = wanted.Where(available.Contains).ToArray();
            device = CreateDevice(vk, physicalDevice, family, enabled);
            loader.SetDevice(device.Handle);
            Queue queue;
            vk.GetDeviceQueue(device, family, 0, &queue);
            return new GpuContext(loader, vk, instance, physicalDevice, device, family, queue, Vk.Version12, enabled,
                ownsDevice: true, queueLock: null, messenger);
        }
        catch
        {
            if (device.Handle != 0)
            {
                vk.DestroyDevice(device, null);
                loader.SetDevice(0);
            }
            messenger?.Detach(vk, instance);
            if (instance.Handle != 0)
                vk.DestroyInstance(instance, null);
            messenger?.Dispose();
            vk.Dispose();
            throw;
        }
    }

    /// <summary>Works inside the host renderer's device. Nothing in <paramref name="host"/> is ever destroyed by Seedtex.</summary>
    public static GpuContext Adopt(HostVulkanDevice host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Instance.Handle == 0 || host.Device.Handle == 0 || host.PhysicalDevice.Handle == 0 || host.Queue.Handle == 0)
            throw SeedtexException.Argument("host Vulkan handles must not be null: pass the host's instance, physical device, device and queue");
        var loader = new ProcAddressContext(host.GetInstanceProcAddr);
        loader.SetInstance(host.Instance.Handle);
        loader.SetDevice(host.Device.Handle);
        var vk = new Vk(loader);
        uint familyCount = 0;
        vk.GetPhysicalDeviceQueueFamilyProperties(host.PhysicalDevice, &familyCount, null);
        var families = new QueueFamilyProperties[familyCount];
        fixed (QueueFamilyProperties* f = families)
            vk.GetPhysicalDeviceQueueFamilyProperties(host.PhysicalDevice, &familyCount, f);
        if (host.QueueFamilyIndex >= familyCount || (families[host.QueueFamilyIndex].QueueFlags & QueueFlags.ComputeBit) == 0)
        {
            vk.Dispose();
            throw SeedtexException.Argument($"host queue family {host.QueueFamilyIndex} does not support compute; lend Seedtex a graphics or compute queue");
        }
        return new GpuContext(loader, vk, host.Instance, host.PhysicalDevice, host.Device, host.QueueFamilyIndex, host.Queue,
            host.ApiVersion, host.EnabledDeviceExtensions, ownsDevice: false, host.QueueLock, messenger: null);
    }

    /// <summary>
    /// Records work into a fresh command buffer and submits it to <see cref="Queue"/>. The returned submission owns
    /// the command buffer, its fence and <paramref name="record"/>'s transient resources until it is disposed.
    /// </summary>
    public GpuSubmission Submit(Func<CommandBuffer, IDisposable?> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_disposed, this);
        CommandBuffer commandBuffer;
        IDisposable? resources;
        lock (_commandPoolGate)
        {
            var allocate = new CommandBufferAllocateInfo
            {
                SType = StructureType.CommandBufferAllocateInfo,
                CommandPool = _commandPool,
                Level = CommandBufferLevel.Primary,
                CommandBufferCount = 1,
            };
            Vk.AllocateCommandBuffers(Device, &allocate, &commandBuffer).Check("vkAllocateCommandBuffers");
            try
            {
                var begin = new CommandBufferBeginInfo { SType = StructureType.CommandBufferBeginInfo, Flags = CommandBufferUsageFlags.OneTimeSubmitBit };
                Vk.BeginCommandBuffer(commandBuffer, &begin).Check("vkBeginCommandBuffer");
                resources = record(commandBuffer);
                Vk.EndCommandBuffer(commandBuffer).Check("vkEndCommandBuffer");
            }
            catch
            {
                Vk.FreeCommandBuffers(Device, _commandPool, 1, &commandBuffer);
                throw;
            }
        }

        var fenceInfo = new FenceCreateInfo { SType = StructureType.FenceCreateInfo };
        Fence fence;
        Vk.CreateFence(Device, &fenceInfo, null, &fence).Check("vkCreateFence");
        var submit = new SubmitInfo { SType = StructureType.SubmitInfo, CommandBufferCount = 1, PCommandBuffers = &commandBuffer };
        _queueLock?.Enter();
        Result result;
        try
        {
            result = Vk.QueueSubmit(Queue, 1, &submit, fence);
        }
        finally
        {
            _queueLock?.Exit();
        }
        var submission = new GpuSubmission(this, commandBuffer, fence, resources);
        if (result != Result.Success)
        {
            submission.Abandon();
            result.Check("vkQueueSubmit");
        }
        return submission;
    }

    /// <summary>Submits and blocks until the GPU has finished.</summary>
    public void SubmitAndWait(Action<CommandBuffer> record)
    {
        ArgumentNullException.ThrowIfNull(record);
        using var submission = Submit(cb =>
        {
            record(cb);
            return null;
        });
        submission.Wait();
    }

    internal void FreeCommandBuffer(CommandBuffer commandBuffer)
    {
        lock (_commandPoolGate)
            Vk.FreeCommandBuffers(Device, _commandPool, 1, &commandBuffer);
    }

    /// <summary>
    /// An extension entry point as a raw function pointer, after checking that the extension is enabled on this device
    /// (Silk.NET has no binding package for these here, and calling a function of a disabled extension is undefined).
    /// </summary>
    internal nint DeviceFunction(string extension, string function)
    {
        if (!IsExtensionEnabled(extension))
            throw new SeedtexException(SeedtexErrorKind.Gpu,
                $"{extension} is not enabled on device '{DeviceName}'; the host must enable it at device creation and list it in HostVulkanDevice.EnabledDeviceExtensions");
        var pointer = (nint)Vk.GetDeviceProcAddr(Device, function).Handle;
        if (pointer == 0)
            throw new SeedtexException(SeedtexErrorKind.Gpu, $"{function} is missing although {extension} is enabled on '{DeviceName}'");
        return pointer;
    }

    /// <summary>A memory type index among <paramref name="typeBits"/> with <paramref name="required"/> flags, preferring <paramref name="preferred"/>.</summary>
    internal uint FindMemoryType(uint typeBits, MemoryPropertyFlags required, MemoryPropertyFlags preferred = 0)
    {
        var memory = MemoryProperties;
        int fallback = -1;
        for (int i = 0; i < memory.MemoryTypeCount; i++)
        {
            var flags = memory.MemoryTypes[i].PropertyFlags;
            if ((typeBits & (1u << i)) == 0 || (flags & required) != required)
                continue;
            if ((flags & preferred) == preferred)
                return (uint)i;
            if (fallback < 0)
                fallback = i;
        }
        if (fallback < 0)
            throw new SeedtexException(SeedtexErrorKind.Gpu, $"device '{DeviceName}' has no memory type with {required} among types 0x{typeBits:x}");
        return (uint)fallback;
    }

    /// <summary>Waits until the device is idle. Only for teardown and tests: it stalls the host's rendering too.</summary>
    public void WaitIdle() => Vk.DeviceWaitIdle(Device).Check("vkDeviceWaitIdle");

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        // Our own device may still be running work nobody waited for; a host's device is the host's to drain
        // (dispose every GpuSubmission first).
        if (OwnsDevice)
            Vk.DeviceWaitIdle(Device);
        _kernels?.Dispose();
        Vk.DestroyCommandPool(Device, _commandPool, null);
        if (OwnsDevice)
        {
            Vk.DestroyDevice(Device, null);
            // Entry points still to be resolved (vkDestroyInstance) must not go through the destroyed device.
            _loader.SetDevice(0);
            _messenger?.Detach(Vk, Instance);
            Vk.DestroyInstance(Instance, null);
            _messenger?.Dispose();
        }
        Vk.Dispose();
        _loader.Dispose();
    }

    private static HashSet<string> InstanceLayers(Vk vk)
    {
        uint count = 0;
        vk.EnumerateInstanceLayerProperties(&count, null).Check("vkEnumerateInstanceLayerProperties");
        var layers = new LayerProperties[count];
        fixed (LayerProperties* p = layers)
            vk.EnumerateInstanceLayerProperties(&count, p).Check("vkEnumerateInstanceLayerProperties");
        return layers.Select(l => Marshal.PtrToStringUTF8((nint)l.LayerName) ?? "").ToHashSet(StringComparer.Ordinal);
    }

    private static HashSet<string> DeviceExtensions(Vk vk, PhysicalDevice physicalDevice)
    {
        uint count = 0;
        vk.EnumerateDeviceExtensionProperties(physicalDevice, (byte*)null, &count, null).Check("vkEnumerateDeviceExtensionProperties");
        var extensions = new ExtensionProperties[count];
        fixed (ExtensionProperties* p = extensions)
            vk.EnumerateDeviceExtensionProperties(physicalDevice, (byte*)null, &count, p).Check("vkEnumerateDeviceExtensionProperties");
        return extensions.Select(e => Marshal.PtrToStringUTF8((nint)e.ExtensionName) ?? "").ToHashSet(StringComparer.Ordinal);
    }

    private static Instance CreateInstance(Vk vk, bool validation, DebugMessenger? messenger)
    {
        using var names = new NativeStrings(messenger != null ? [DebugUtilsExtension] : []);
        using var layers = new NativeStrings(validation ? [ValidationLayer] : []);
        using var appName = new NativeStrings(["Seedtex"]);
        var app = new ApplicationInfo
        {
            SType = StructureType.ApplicationInfo,
            PApplicationName = appName.Pointers[0],
            PEngineName = appName.Pointers[0],
            ApiVersion = Vk.Version12,
        };
        // Chaining the messenger's create info covers vkCreateInstance and vkDestroyInstance themselves, which is
        // where the validation layer reports objects that were never destroyed.
        var debugInfo = messenger?.CreateInfo() ?? default;
        var info = new InstanceCreateInfo
        {
            SType = StructureType.InstanceCreateInfo,
            PNext = messenger != null ? &debugInfo : null,
            PApplicationInfo = &app,
            EnabledExtensionCount = (uint)names.Count,
            PpEnabledExtensionNames = names.Pointers,
            EnabledLayerCount = (uint)layers.Count,
            PpEnabledLayerNames = layers.Pointers,
        };
        Instance instance;
        vk.CreateInstance(&info, null, &instance).Check("vkCreateInstance");
        return instance;
    }

    private static (PhysicalDevice Device, uint Family) PickDevice(Vk vk, Instance instance, string? nameFilter)
    {
        uint count = 0;
        vk.EnumeratePhysicalDevices(instance, &count, null).Check("vkEnumeratePhysicalDevices");
        var devices = new PhysicalDevice[count];
        fixed (PhysicalDevice* p = devices)
            vk.EnumeratePhysicalDevices(instance, &count, p).Check("vkEnumeratePhysicalDevices");
        foreach (var device in devices)
        {
            vk.GetPhysicalDeviceProperties(device, out var properties);
            string name = Marshal.PtrToStringUTF8((nint)properties.DeviceName) ?? "";
            if (properties.ApiVersion < Vk.Version12 || (nameFilter != null && !name.Contains(nameFilter, StringComparison.OrdinalIgnoreCase)))
                continue;
            uint familyCount = 0;
            vk.GetPhysicalDeviceQueueFamilyProperties(device, &familyCount, null);
            var families = new QueueFamilyProperties[familyCount];
            fixed (QueueFamilyProperties* f = families)
                vk.GetPhysicalDeviceQueueFamilyProperties(device, &familyCount, f);
            for (uint i = 0; i < familyCount; i++)
            {
                if ((families[i].QueueFlags & QueueFlags.ComputeBit) != 0)
                    return (device, i);
            }
        }
        throw new SeedtexException(SeedtexErrorKind.Gpu,
            $"no Vulkan 1.2 device with a compute queue{(nameFilter != null ? $" matching '{nameFilter}'" : "")} among {count}; install a driver (lavapipe: mesa-vulkan-drivers) or use the CPU path");
    }

    private static Device CreateDevice(Vk vk, PhysicalDevice physicalDevice, uint family, string[] extensions)
    {
        float priority = 1f;
        var queueInfo = new DeviceQueueCreateInfo
        {
            SType = StructureType.DeviceQueueCreateInfo,
            QueueFamilyIndex = family,
            QueueCount = 1,
            PQueuePriorities = &priority,
        };
        using var names = new NativeStrings(extensions);
        var info = new DeviceCreateInfo
        {
            SType = StructureType.DeviceCreateInfo,
            QueueCreateInfoCount = 1,
            PQueueCreateInfos = &queueInfo,
            EnabledExtensionCount = (uint)names.Count,
            PpEnabledExtensionNames = names.Pointers,
        };
        Device device;
        vk.CreateDevice(physicalDevice, &info, null, &device).Check("vkCreateDevice");
        return device;
    }
}
