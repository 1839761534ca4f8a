using System.Buffers;
using Seedtex.Core;
using Seedtex.Runtime;
using Seedtex.Vulkan;

namespace Seedtex.Native;

/// <summary>
/// One stx_request: its state as the C side sees it, the pixels pinned while the handle lives, the latest latent
/// preview, and the GPU texture it owns when the context has a device.
/// </summary>
internal sealed class NativeRequest(NativeContext owner, int previewEvery) : IPreviewProgress, IDisposable
{
    private readonly Lock _gate = new();
    private GenerationResult? _result;
    private Exception? _error;
    private MemoryHandle _pin;
    private bool _pinned;
    private float _progress;
    private TextureData? _latestPreview;
    private TextureData? _handedPreview;
    private MemoryHandle _previewPin;
    private bool _released;

    public NativeContext Owner { get; } = owner;

    public CancellationTokenSource Cancel { get; } = new();

    public int PreviewEvery => previewEvery;

    /// <summary>Twin of stx_request_state.</summary>
    public uint State
    {
        get
        {
            lock (_gate)
            {
                if (_result is not null)
                    return 1;
                if (_error is OperationCanceledException)
                    return 3;
                return _error is null ? 0u : 2u;
            }
        }
    }

    public float Progress
    {
        get
        {
            lock (_gate)
                return _result is not null ? 1f : _progress;
        }
    }

    public void Report(GenerationProgress value)
    {
        lock (_gate)
        {
            _progress = value.TotalSteps > 0 ? Math.Min(0.99f, (float)value.Step / value.TotalSteps) : 0f;
            if (value.Preview is not null)
                _latestPreview = value.Preview;
        }
    }

    /// <summary>Called during the host's stx_pump. A result that arrives after release frees its GPU texture at once.</summary>
    public void Complete(GenerationResult? result, Exception? error)
    {
        lock (_gate)
        {
            if (_released)
            {
                result?.GpuTexture?.Dispose();
                return;
            }
            _result = result;
            _error = error;
        }
    }

    public (GenerationResult? Result, Exception? Error) Outcome
    {
        get
        {
            lock (_gate)
                return (_result, _error);
        }
    }

    /// <summary>A stable pointer to the pixels until <see cref="Dispose"/>.</summary>
    public unsafe nint PinPixels(TextureData texture)
    {
        lock (_gate)
        {
            if (!_pinned)
            {
                _pin = texture.Pixels.Pin();
                _pinned = true;
            }
            return (nint)_pin.Pointer;
        }
    }

    /// <summary>The latest preview, pinned until the next call or <see cref="Dispose"/>; null before the first one.</summary>
    public unsafe (TextureData Preview, nint Pointer)? PinLatestPreview()
    {
        lock (_gate)
        {
            if (_latestPreview is null)
                return null;
            if (_handedPreview != _latestPreview)
            {
                if (_handedPreview is not null)
                    _previewPin.Dispose();
                _handedPreview = _latestPreview;
                _previewPin = _handedPreview.Pixels.Pin();
            }
            return (_handedPreview, (nint)_previewPin.Pointer);
        }
    }

    /// <summary>Frees the GPU texture (before its device goes away); the CPU pixels stay.</summary>
    public void ReleaseGpuTexture()
    {
        lock (_gate)
        {
            _result?.GpuTexture?.Dispose();
            if (_result is not null)
                _result = _result with { GpuTexture = null };
        }
    }

    public void Dispose()
    {
        Cancel.Cancel();
        lock (_gate)
        {
            _released = true;
            if (_pinned)
                _pin.Dispose();
            _pinned = false;
            if (_handedPreview is not null)
                _previewPin.Dispose();
            _handedPreview = null;
        }
        ReleaseGpuTexture();
        Cancel.Dispose();
    }
}
