using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Silk.NET.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// A VK_EXT_debug_utils messenger that forwards warnings and errors (validation layer, driver) to a .NET callback.
/// The callback runs on whatever thread made the Vulkan call.
/// </summary>
internal sealed unsafe class DebugMessenger : IDisposable
{
    private readonly Action<GpuDebugMessage>? _onMessage;
    private GCHandle _self;
    private DebugUtilsMessengerEXT _messenger;

    public DebugMessenger(Action<GpuDebugMessage>? onMessage)
    {
        _onMessage = onMessage;
        _self = GCHandle.Alloc(this);
    }

    public DebugUtilsMessengerCreateInfoEXT CreateInfo() => new()
    {
        SType = StructureType.DebugUtilsMessengerCreateInfoExt,
        MessageSeverity = DebugUtilsMessageSeverityFlagsEXT.WarningBitExt | DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt,
        MessageType = DebugUtilsMessageTypeFlagsEXT.GeneralBitExt | DebugUtilsMessageTypeFlagsEXT.ValidationBitExt | DebugUtilsMessageTypeFlagsEXT.PerformanceBitExt,
        PfnUserCallback = new PfnDebugUtilsMessengerCallbackEXT(&OnMessage),
        PUserData = (void*)GCHandle.ToIntPtr(_self),
    };

    public void Attach(Vk vk, Instance instance)
    {
        var create = (delegate* unmanaged<Instance, DebugUtilsMessengerCreateInfoEXT*, AllocationCallbacks*, DebugUtilsMessengerEXT*, Result>)
            vk.GetInstanceProcAddr(instance, "vkCreateDebugUtilsMessengerEXT").Handle;
        var info = CreateInfo();
        DebugUtilsMessengerEXT messenger;
        create(instance, &info, null, &messenger).Check("vkCreateDebugUtilsMessengerEXT");
        _messenger = messenger;
    }

    public void Detach(Vk vk, Instance instance)
    {
        if (_messenger.Handle == 0)
            return;
        var destroy = (delegate* unmanaged<Instance, DebugUtilsMessengerEXT, AllocationCallbacks*, void>)
            vk.GetInstanceProcAddr(instance, "vkDestroyDebugUtilsMessengerEXT").Handle;
        destroy(instance, _messenger, null);
        _messenger = default;
    }

    public void Dispose()
    {
        if (_self.IsAllocated)
            _self.Free();
    }

    [UnmanagedCallersOnly(CallConvs = [typeof(CallConvCdecl)])]
    private static Bool32 OnMessage(DebugUtilsMessageSeverityFlagsEXT severity, DebugUtilsMessageTypeFlagsEXT types, DebugUtilsMessengerCallbackDataEXT* data, void* user)
    {
        if (user == null || GCHandle.FromIntPtr((nint)user).Target is not DebugMessenger messenger || messenger._onMessage == null)
            return false;
        var level = (severity & DebugUtilsMessageSeverityFlagsEXT.ErrorBitExt) != 0 ? GpuMessageSeverity.Error
            : (severity & DebugUtilsMessageSeverityFlagsEXT.WarningBitExt) != 0 ? GpuMessageSeverity.Warning
            : (severity & DebugUtilsMessageSeverityFlagsEXT.InfoBitExt) != 0 ? GpuMessageSeverity.Info
            : GpuMessageSeverity.Verbose;
        string id = data->PMessageIdName != null ? Marshal.PtrToStringUTF8((nint)data->PMessageIdName) ?? "" : "";
        string text = data->PMessage != null ? Marshal.PtrToStringUTF8((nint)data->PMessage) ?? "" : "";
        try
        {
            messenger._onMessage(new GpuDebugMessage(level, id, text));
        }
        catch (Exception)
        {
            // An exception must not unwind into the driver; the message is lost rather than crashing the process.
        }
        return false;
    }
}
