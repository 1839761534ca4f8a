using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

/// <summary>
/// A headless context with VK_LAYER_KHRONOS_validation on and a debug-utils messenger that records every warning and
/// error, from vkCreateInstance to vkDestroyInstance (where leaked objects are reported). Disposing it fails the test
/// if anything was recorded. Use one per test: <c>using var gpu = new ValidatedGpu();</c>.
/// </summary>
public sealed class ValidatedGpu : IDisposable
{
    private readonly List<GpuDebugMessage> _messages = [];
    private bool _disposed;

    public ValidatedGpu()
    {
        Context = GpuContext.CreateHeadless(new GpuContextOptions { EnableValidation = true, OnMessage = Record });
    }

    public GpuContext Context { get; }

    public IReadOnlyList<GpuDebugMessage> Messages
    {
        get
        {
            lock (_messages)
                return _messages.ToArray();
        }
    }

    /// <summary>Fails if the validation layer has said anything so far.</summary>
    public void AssertClean()
    {
        var messages = Messages;
        Assert.True(messages.Count == 0, "validation messages:\n" + string.Join("\n", messages.Select(m => $"{m.Severity} {m.MessageId}: {m.Text}")));
    }

    /// <summary>Destroys the device and instance (the layer reports leaks here), then fails on any message.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        Context.Dispose();
        AssertClean();
    }

    /// <summary>Destroys the context without asserting; returns what the layer said (for tests that expect messages).</summary>
    public IReadOnlyList<GpuDebugMessage> DisposeAndCollect()
    {
        _disposed = true;
        Context.Dispose();
        return Messages;
    }

    private void Record(GpuDebugMessage message)
    {
        lock (_messages)
            _messages.Add(message);
    }
}
