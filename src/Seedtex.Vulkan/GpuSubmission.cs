using Seedtex.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// One batch of work on the GPU queue. <see cref="Fence"/> signals when it is done: a host may wait on it itself
/// (vkWaitForFences) or call <see cref="Wait"/>. Disposing waits for completion, then frees the command buffer, the
/// fence and the batch's transient resources (descriptor sets, staging buffers).
/// <para>
/// Only CPU-visible completion is offered: lavapipe exports no semaphores or fences, so handing results to another
/// device or process is synchronised through the CPU (wait here, then pass the memory fd on).
/// </para>
/// </summary>
public sealed class GpuSubmission : IDisposable
{
    private readonly GpuContext _context;
    private readonly CommandBuffer _commandBuffer;
    private readonly IDisposable? _resources;
    private bool _disposed;

    internal GpuSubmission(GpuContext context, CommandBuffer commandBuffer, Fence fence, IDisposable? resources)
    {
        _context = context;
        _commandBuffer = commandBuffer;
        Fence = fence;
        _resources = resources;
    }

    /// <summary>Signalled when the GPU has finished this batch. Owned by the submission; do not destroy it.</summary>
    public Fence Fence { get; }

    public bool IsComplete => _context.Vk.GetFenceStatus(_context.Device, Fence) == Result.Success;

    /// <summary>Blocks until the batch is done, or throws when <paramref name="timeout"/> passes first (default: no limit).</summary>
    public unsafe void Wait(TimeSpan? timeout = null)
    {
        var fence = Fence;
        ulong nanoseconds = timeout is { } t ? (ulong)Math.Max(0, t.Ticks * 100) : ulong.MaxValue;
        var result = _context.Vk.WaitForFences(_context.Device, 1, &fence, true, nanoseconds);
        if (result == Result.Timeout)
            throw new SeedtexException(SeedtexErrorKind.Gpu, $"GPU work did not finish within {timeout}");
        result.Check("vkWaitForFences");
    }

    /// <summary>Waits without blocking a thread, polling the fence; cancellation leaves the GPU work running.</summary>
    public async Task WaitAsync(CancellationToken cancellationToken = default)
    {
        while (!IsComplete)
            await Task.Delay(1, cancellationToken).ConfigureAwait(false);
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        Wait();
        Release();
    }

    /// <summary>Frees everything without waiting: only for a batch that never reached the queue.</summary>
    internal void Abandon() => Release();

    private unsafe void Release()
    {
        _disposed = true;
        _context.Vk.DestroyFence(_context.Device, Fence, null);
        _context.FreeCommandBuffer(_commandBuffer);
        _resources?.Dispose();
    }
}
