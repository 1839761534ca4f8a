using Seedtex.Vulkan;
using Silk.NET.Vulkan;

namespace Seedtex.Native;

/// <summary>
/// Unity's side of the plugin: the IUnityInterfaces registry Unity passes to UnityPluginLoad, and from it the
/// IUnityGraphicsVulkan interface, whose Instance() names the device Unity renders with. Layouts and the interface
/// GUID are those of Unity's IUnityInterface.h and IUnityGraphicsVulkan.h.
/// </summary>
internal static unsafe class UnityVulkan
{
    private const ulong GraphicsVulkanGuidHigh = 0x95355348d4ef4e11UL;
    private const ulong GraphicsVulkanGuidLow = 0x9789313dfcffcc87UL;

    // IUnityInterfaces: GetInterface, RegisterInterface, GetInterfaceSplit, RegisterInterfaceSplit.
    private const int GetInterfaceSplitSlot = 2;

    // IUnityGraphicsVulkan: InterceptInitialization, InterceptVulkanAPI, ConfigureEvent, Instance, ...
    private const int InstanceSlot = 3;

    /// <summary>Unity's device when Unity renders with Vulkan and has created it; null otherwise.</summary>
    public static HostVulkanDevice? Device(nint unityInterfaces)
    {
        if (unityInterfaces == 0)
            return null;
        var getInterfaceSplit = (delegate* unmanaged<ulong, ulong, nint>)((nint*)unityInterfaces)[GetInterfaceSplitSlot];
        nint graphicsVulkan = getInterfaceSplit(GraphicsVulkanGuidHigh, GraphicsVulkanGuidLow);
        if (graphicsVulkan == 0)
            return null;
        var instanceOf = (delegate* unmanaged<UnityVulkanInstance>)((nint*)graphicsVulkan)[InstanceSlot];
        var unity = instanceOf();
        if (unity.Device == 0)
            return null;
        return new HostVulkanDevice
        {
            Instance = new Instance(unity.Instance),
            PhysicalDevice = new PhysicalDevice(unity.PhysicalDevice),
            Device = new Device(unity.Device),
            QueueFamilyIndex = unity.QueueFamilyIndex,
            Queue = new Queue(unity.GraphicsQueue),
            GetInstanceProcAddr = unity.GetInstanceProcAddr,
        };
    }
}
