using Seedtex.Runtime;

namespace Seedtex.Native;

/// <summary>One stx_context: the service and the requests made through it.</summary>
internal sealed class NativeContext(SeedtexService service) : IDisposable
{
    private readonly List<NativeRequest> _requests = [];

    public SeedtexService Service { get; } = service;

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
        lock (_requests)
        {
            foreach (var request in _requests)
                request.Cancel.Cancel();
        }
        Service.Dispose();
    }
}
