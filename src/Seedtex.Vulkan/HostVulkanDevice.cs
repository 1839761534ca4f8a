using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// Everything a host renderer hands over so Seedtex works inside its device: the handles Unity's
/// IUnityGraphicsVulkan::Instance() returns, plus what the host knows about how it created them.
/// Seedtex never destroys any of these.
/// </summary>
public sealed record HostVulkanDevice
{
    public required Instance Instance { get; init; }
    public required PhysicalDevice PhysicalDevice { get; init; }
    public required Device Device { get; init; }
    /// <summary>Family of <see cref="Queue"/>; it must support compute (graphics families always do).</summary>
    public required uint QueueFamilyIndex { get; init; }
    public required Queue Queue { get; init; }
    /// <summary>The host's vkGetInstanceProcAddr; every other entry point is looked up through it.</summary>
    public required nint GetInstanceProcAddr { get; init; }
    /// <summary>The Vulkan version the host created its instance with (Vk.Version11 if unknown).</summary>
    public uint ApiVersion { get; init; } = Vk.Version11;
    /// <summary>
    /// Device extensions the host enabled. Seedtex uses an optional extension (external memory) only when it is
    /// listed here, because calling into an extension the device was not created with is undefined behaviour.
    /// </summary>
    public IReadOnlyCollection<string> EnabledDeviceExtensions { get; init; } = [];
    /// <summary>
    /// How to take the host's queue when the host guards it with a lock (Vulkan requires external synchronisation
    /// of vkQueueSubmit). Null: Seedtex assumes nobody else submits to the queue at the same time.
    /// </summary>
    public IQueueLock? QueueLock { get; init; }
}

/// <summary>
/// A host's queue lock, lent to Seedtex. Seedtex holds it only around vkQueueSubmit (never while waiting on a fence),
/// so a host render thread is blocked for microseconds at most.
/// </summary>
public interface IQueueLock
{
    void Enter();
    void Exit();
}

/// <summary>An <see cref="IQueueLock"/> over a .NET object the host already locks with <c>lock (gate)</c>.</summary>
public sealed class MonitorQueueLock(object gate) : IQueueLock
{
    public void Enter() => Monitor.Enter(gate);

    public void Exit() => Monitor.Exit(gate);
}
