using Seedtex.Runtime;
using Seedtex.Vulkan;

namespace Seedtex.Native;

/// <summary>One stx_context: the service, the host's device when one is attached, and the requests made through it.</summary>
internal sealed class NativeContext(SeedtexService service) : IDisposable
{
    private readonly List<NativeRequest> _requests = [];
    private GpuContext? _gpu;

    public SeedtexService Service { get; } = service;

    /// <summary>Works inside the host's device from now on (the host's handles are never destroyed).</summary>
    public void AttachGpu(HostVulkanDevice host)
    {
        if (_gpu is not null)
            throw new Core.SeedtexException(Core.SeedtexErrorKind.InvalidArgument, "a Vulkan device is already attached to this context; attach once, before the first request");
        var gpu = GpuContext.Adopt(host);
        try
        {
            Service.AttachGpu(gpu);
            _gpu = gpu;
        }
        catch
        {
            gpu.Dispose();
            throw;
        }
    }

    public bool HasGpu => _gpu is not null;

    public void Track(NativeRequest request)
    {
        lock (_requests)
            _requests.Add(request);
    }

    public void Untrack(NativeRequest request)
    {
        lock (_requests)
            _requests.Remove(request);
    }

    public void Dispose()
    {
        NativeRequest[] open;
        lock (_requests)
            open = [.. _requests];
        foreach (var request in open)
            request.Cancel.Cancel();
        Service.Dispose();
        // GPU textures of requests still open live on this device: free them before the context's own objects.
        foreach (var request in open)
            request.ReleaseGpuTexture();
        _gpu?.Dispose();
    }
}
