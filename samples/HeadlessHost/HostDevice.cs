using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Seedtex.Vulkan;
using Silk.NET.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Samples.HeadlessHost;

/// <summary>
/// The "engine's" own Vulkan instance and device, created the way a renderer would, with no help from Seedtex.
/// <see cref="Describe"/> hands Seedtex exactly what Unity's IUnityGraphicsVulkan gives a plugin.
/// </summary>
public sealed unsafe class HostDevice : IDisposable
{
    private static readonly string[] DeviceExtensions = [GpuContext.ExternalMemoryFdExtension, GpuContext.ExternalMemoryHostExtension];
    private static int s_messageCount;
    private readonly nint _loader;
    private readonly DebugUtilsMessengerEXT _messenger;

    public HostDevice(bool validate)
    {
        _loader = NativeLibrary.Load("libvulkan.so.1");
        GetInstanceProcAddr = NativeLibrary.GetExport(_loader, "vkGetInstanceProcAddr");
        Vk = Vk.GetApi();
        var appName = (byte*)Marshal.StringToHGlobalAnsi("Seedtex HeadlessHost");
        var layer = (byte*)Marshal.StringToHGlobalAnsi("VK_LAYER_KHRONOS_validation");
        var debugUtils = (byte*)Marshal.StringToHGlobalAnsi("VK_EXT_debug_utils");
        try
        {
            var app = new ApplicationInfo { SType = StructureType.ApplicationInfo, PApplicationName = appName, ApiVersion = Vk.Version12 };
            var messengerInfo = new DebugUtilsMessengerCreateInfoEXT
            {
                SType = StructureType.DebugUtilsMessengerCreateInfoExt,
                MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
                MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
                PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(&OnMessage),
            };
            var instanceInfo = new InstanceCreateInfo
            {
                SType = StructureType.InstanceCreateInfo,
                PNext = validate ? &messengerInfo : null,
                PApplicationInfo = &app,
                EnabledLayerCount = validate ? 1u : 0u,
                PpEnabledLayerNames = &layer,
                EnabledExtensionCount = validate ? 1u : 0u,
                PpEnabledExtensionNames = &debugUtils,
            };
            Instance instance;
            Vk.CreateInstance(&instanceInfo, null, &instance).Check("vkCreateInstance");
            Instance = instance;
            Vk.CurrentInstance = instance;
            if (validate)
            {
                var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
                    Vk.GetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT").Handle;
                DebugUtilsMessengerEXT messenger;
                create(instance, &messengerInfo, null, &messenger).Check("vkCreateDebugUtilsMessengerEXT");
                _messenger = messenger;
            }

            uint count = 1;
            PhysicalDevice physicalDevice;
            var result = Vk.EnumeratePhysicalDevices(instance, &count, &physicalDevice);
            if (count == 0 || (result != Result.Success && result != Result.Incomplete))
                throw new InvalidOperationException("no Vulkan device (install mesa-vulkan-drivers for lavapipe)");
            PhysicalDevice = physicalDevice;
            QueueFamilyIndex = GraphicsFamily(physicalDevice);

            float priority = 1f;
            var queueInfo = new DeviceQueueCreateInfo { SType = StructureType.DeviceQueueCreateInfo, QueueFamilyIndex = QueueFamilyIndex, QueueCount = 1, PQueuePriorities = &priority };
            var names = DeviceExtensions.Select(e => Marshal.StringToHGlobalAnsi(e)).ToArray();
            try
            {
                fixed (nint* namePointers = names)
                {
                    var deviceInfo = new DeviceCreateInfo
                    {
                        SType = StructureType.DeviceCreateInfo,
                        QueueCreateInfoCount = 1,
                        PQueueCreateInfos = &queueInfo,
                        EnabledExtensionCount = (uint)names.Length,
                        PpEnabledExtensionNames = (byte**)namePointers,
                    };
                    Device device;
                    Vk.CreateDevice(physicalDevice, &deviceInfo, null, &device).Check("vkCreateDevice");
                    Device = device;
                    Vk.CurrentDevice = device;
                }
            }
            finally
            {
                foreach (var n in names)
                    Marshal.FreeHGlobal(n);
            }
            Queue queue;
            Vk.GetDeviceQueue(Device, QueueFamilyIndex, 0, &queue);
            Queue = queue;
        }
        finally
        {
            Marshal.FreeHGlobal((nint)appName);
            Marshal.FreeHGlobal((nint)layer);
            Marshal.FreeHGlobal((nint)debugUtils);
        }
    }

    public Vk Vk { get; }
    public Instance Instance { get; }
    public PhysicalDevice PhysicalDevice { get; }
    public Device Device { get; }
    public uint QueueFamilyIndex { get; }
    public Queue Queue { get; }
    public nint GetInstanceProcAddr { get; }

    /// <summary>Validation warnings and errors seen so far (all are also written to stderr).</summary>
    public static int MessageCount => Volatile.Read(ref s_messageCount);

    /// <summary>What the engine lends Seedtex: its handles, loader entry, extensions and the queue's lock.</summary>
    public HostVulkanDevice Describe(object queueGate) => new()
    {
        Instance = Instance,
        PhysicalDevice = PhysicalDevice,
        Device = Device,
        QueueFamilyIndex = QueueFamilyIndex,
        Queue = Queue,
        GetInstanceProcAddr = GetInstanceProcAddr,
        ApiVersion = Vk.Version12,
        EnabledDeviceExtensions = DeviceExtensions,
        QueueLock = new MonitorQueueLock(queueGate),
    };

    public void Dispose()
    {
        Vk.DestroyDevice(Device, null);
        if (_messenger.Handle != 0)
        {
            var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
                Vk.GetInstanceProcAddr(Instance, "vkDestroyDebugUtilsMessengerEXT").Handle;
            destroy(Instance, _messenger, null);
        }
        Vk.DestroyInstance(Instance, null);
        Vk.Dispose();
        NativeLibrary.Free(_loader);
    }

    private uint GraphicsFamily(PhysicalDevice device)
    {
        uint count = 0;
        Vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, null);
        var families = new QueueFamilyProperties[count];
        fixed (QueueFamilyProperties* f = families)
            Vk.GetPhysicalDeviceQueueFamilyProperties(device, &count, f);
        for (uint i = 0; i < count; i++)
        {
            if ((families[i].QueueFlags & (QueueFlags.GraphicsBit | QueueFlags.ComputeBit)) == (QueueFlags.GraphicsBit | QueueFlags.ComputeBit))
                return i;
        }
        throw new InvalidOperationException("no queue family with graphics and compute");
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static Bool32 OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types, DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        Interlocked.Increment(ref s_messageCount);
        Console.Error.WriteLine($"validation {severity}: {Marshal.PtrToStringUTF8((nint)data->PMessage)}");
        return false;
    }
}
