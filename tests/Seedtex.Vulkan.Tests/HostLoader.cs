using System.Runtime.InteropServices;
using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

/// <summary>What a host engine hands Seedtex: its handles and the loader's vkGetInstanceProcAddr.</summary>
internal static class HostLoader
{
    private static readonly Lazy<nint> Entry = new(() =>
        NativeLibrary.GetExport(NativeLibrary.Load("libvulkan.so.1"), "vkGetInstanceProcAddr"));

    public static HostVulkanDevice Describe(GpuContext host, IQueueLock? queueLock = null) => new()
    {
        Instance = host.Instance,
        PhysicalDevice = host.PhysicalDevice,
        Device = host.Device,
        QueueFamilyIndex = host.QueueFamilyIndex,
        Queue = host.Queue,
        GetInstanceProcAddr = Entry.Value,
        ApiVersion = host.ApiVersion,
        EnabledDeviceExtensions = [GpuContext.ExternalMemoryFdExtension, GpuContext.ExternalMemoryHostExtension],
        QueueLock = queueLock,
    };
}
