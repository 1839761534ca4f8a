using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Seedtex.Vulkan;

namespace Seedtex.Unity.Tests;

/// <summary>
/// Plays Unity on Vulkan for the plugin: an IUnityInterfaces registry (IUnityInterface.h) whose GetInterfaceSplit
/// answers IUnityGraphicsVulkan's GUID with an interface whose Instance() (IUnityGraphicsVulkan.h) returns the device
/// of a <see cref="GpuContext"/>, handed to the plugin's UnityPluginLoad.
/// </summary>
public sealed unsafe class FakeUnityVulkan : IDisposable
{
    private static UnityVulkanInstance s_instance;
    private static nint s_graphicsVulkan;
    private static int s_instanceCalls;

    private readonly nint _registry;
    private readonly nint _library;

    [StructLayout(LayoutKind.Sequential)]
    private struct UnityVulkanInstance
    {
        public ulong PipelineCache;
        public nint Instance;
        public nint PhysicalDevice;
        public nint Device;
        public nint GraphicsQueue;
        public nint GetInstanceProcAddr;
        public uint QueueFamilyIndex;
        public fixed ulong Reserved[8];
    }

    public FakeUnityVulkan(GpuContext unityDevice, string pluginLibrary)
    {
        s_instance = new UnityVulkanInstance
        {
            Instance = unityDevice.Instance.Handle,
            PhysicalDevice = unityDevice.PhysicalDevice.Handle,
            Device = unityDevice.Device.Handle,
            GraphicsQueue = unityDevice.Queue.Handle,
            GetInstanceProcAddr = NativeLibrary.GetExport(NativeLibrary.Load("libvulkan.so.1"), "vkGetInstanceProcAddr"),
            QueueFamilyIndex = unityDevice.QueueFamilyIndex,
        };
        // IUnityGraphicsVulkan: InterceptInitialization, InterceptVulkanAPI, ConfigureEvent, Instance, then more.
        s_graphicsVulkan = (nint)NativeMemory.AllocZeroed(16, (nuint)sizeof(nint));
        ((nint*)s_graphicsVulkan)[3] = (nint)(delegate* unmanaged<UnityVulkanInstance>)&Instance;
        // IUnityInterfaces: GetInterface, RegisterInterface, GetInterfaceSplit, RegisterInterfaceSplit.
        _registry = (nint)NativeMemory.AllocZeroed(4, (nuint)sizeof(nint));
        ((nint*)_registry)[2] = (nint)(delegate* unmanaged<ulong, ulong, nint>)&GetInterfaceSplit;
        _library = NativeLibrary.Load(pluginLibrary);
        ((delegate* unmanaged<nint, void>)NativeLibrary.GetExport(_library, "UnityPluginLoad"))(_registry);
    }

    public int InstanceCalls => s_instanceCalls;

    [UnmanagedCallersOnly]
    private static UnityVulkanInstance Instance()
    {
        Interlocked.Increment(ref s_instanceCalls);
        return s_instance;
    }

    [UnmanagedCallersOnly]
    private static nint GetInterfaceSplit(ulong high, ulong low) =>
        high == 0x95355348d4ef4e11UL && low == 0x9789313dfcffcc87UL ? s_graphicsVulkan : 0;

    /// <summary>UnityPluginUnload (every context ends), then the registry goes.</summary>
    public void Dispose()
    {
        ((delegate* unmanaged<void>)NativeLibrary.GetExport(_library, "UnityPluginUnload"))();
        NativeMemory.Free((void*)_registry);
        NativeMemory.Free((void*)s_graphicsVulkan);
        s_instanceCalls = 0;
    }
}
