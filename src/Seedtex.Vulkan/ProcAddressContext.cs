using System.Runtime.InteropServices;
using Seedtex.Core;
using Silk.NET.Core.Contexts;

namespace Seedtex.Vulkan;

/// <summary>
/// Resolves Vulkan entry points through one vkGetInstanceProcAddr, the only loader hook an engine such as Unity hands
/// a plugin. Device-level functions come from vkGetDeviceProcAddr once the device is known, so calls skip the
/// loader's trampolines; everything else from the instance (or the global table before there is one).
/// </summary>
internal sealed unsafe class ProcAddressContext : INativeContext
{
    private static readonly Lazy<nint> SystemLoaderEntry = new(LoadSystemLoader);

    private readonly delegate* unmanaged<nint, byte*, nint> _getInstanceProcAddr;
    private delegate* unmanaged<nint, byte*, nint> _getDeviceProcAddr;
    private nint _instance;
    private nint _device;

    public ProcAddressContext(nint getInstanceProcAddr)
    {
        if (getInstanceProcAddr == 0)
            throw SeedtexException.Argument("vkGetInstanceProcAddr is null; pass the host's loader entry point");
        _getInstanceProcAddr = (delegate* unmanaged<nint, byte*, nint>)getInstanceProcAddr;
    }

    /// <summary>vkGetInstanceProcAddr of the system's Vulkan loader, for a context that creates its own instance.</summary>
    public static nint SystemGetInstanceProcAddr => SystemLoaderEntry.Value;

    public void SetInstance(nint instance) => _instance = instance;

    /// <summary>Sets (or with 0, forgets) the device whose entry points are looked up with vkGetDeviceProcAddr.</summary>
    public void SetDevice(nint device)
    {
        _device = device;
        _getDeviceProcAddr = device != 0 ? (delegate* unmanaged<nint, byte*, nint>)Lookup(_instance, "vkGetDeviceProcAddr") : null;
    }

    public nint GetProcAddress(string proc, int? slot = null) => TryGetProcAddress(proc, out var address, slot) ? address : 0;

    public bool TryGetProcAddress(string proc, out nint addr, int? slot = null)
    {
        addr = 0;
        if (_device != 0 && _getDeviceProcAddr != null)
            addr = LookupDevice(proc);
        if (addr == 0)
            addr = Lookup(_instance, proc);
        if (addr == 0 && _instance != 0)
            addr = Lookup(0, proc);
        return addr != 0;
    }

    public void Dispose()
    {
        // Nothing to release: the loader library stays loaded for the process (it is shared by every context).
    }

    private nint Lookup(nint instance, string proc)
    {
        var name = Marshal.StringToHGlobalAnsi(proc);
        try
        {
            return _getInstanceProcAddr(instance, (byte*)name);
        }
        finally
        {
            Marshal.FreeHGlobal(name);
        }
    }

    private nint LookupDevice(string proc)
    {
        var name = Marshal.StringToHGlobalAnsi(proc);
        try
        {
            return _getDeviceProcAddr(_device, (byte*)name);
        }
        finally
        {
            Marshal.FreeHGlobal(name);
        }
    }

    private static nint LoadSystemLoader()
    {
        string[] names = OperatingSystem.IsWindows() ? ["vulkan-1.dll"]
            : OperatingSystem.IsMacOS() ? ["libvulkan.1.dylib", "libMoltenVK.dylib"]
            : ["libvulkan.so.1", "libvulkan.so"];
        foreach (var name in names)
        {
            if (NativeLibrary.TryLoad(name, out var library) && NativeLibrary.TryGetExport(library, "vkGetInstanceProcAddr", out var entry))
                return entry;
        }
        throw new SeedtexException(SeedtexErrorKind.Gpu,
            $"no Vulkan loader found ({string.Join(", ", names)}); install the Vulkan runtime (Debian: libvulkan1 mesa-vulkan-drivers) or run on the CPU path");
    }
}
