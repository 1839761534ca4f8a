using System.Buffers;
using Seedtex.Core;
using Seedtex.Runtime;

namespace Seedtex.Native;

/// <summary>One stx_request: its state as the C side sees it, and the pixels pinned while the handle lives.</summary>
internal sealed class NativeRequest(NativeContext owner) : IProgress<GenerationProgress>, IDisposable
{
    private readonly object _gate = new();
    private GenerationResult? _result;
    private Exception? _error;
    private MemoryHandle _pin;
    private bool _pinned;
    private float _progress;

    public NativeContext Owner { get; } = owner;

    public CancellationTokenSource Cancel { get; } = new();

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
            _progress = value.TotalSteps > 0 ? Math.Min(0.99f, (float)value.Step / value.TotalSteps) : 0f;
    }

    /// <summary>Called during the host's stx_pump.</summary>
    public void Complete(GenerationResult? result, Exception? error)
    {
        lock (_gate)
        {
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

    public void Dispose()
    {
        Cancel.Cancel();
        lock (_gate)
        {
            if (_pinned)
                _pin.Dispose();
            _pinned = false;
        }
        Cancel.Dispose();
    }
}
