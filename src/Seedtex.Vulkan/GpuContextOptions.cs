namespace Seedtex.Vulkan;

/// <summary>Severity of a validation-layer or driver message.</summary>
public enum GpuMessageSeverity
{
    Verbose,
    Info,
    Warning,
    Error,
}

/// <summary>One message from VK_EXT_debug_utils (validation layers, driver).</summary>
public readonly record struct GpuDebugMessage(GpuMessageSeverity Severity, string MessageId, string Text);

/// <summary>How <see cref="GpuContext.CreateHeadless"/> builds its own instance and device.</summary>
public sealed record GpuContextOptions
{
    /// <summary>Enable VK_LAYER_KHRONOS_validation (tests and debugging; it slows every call down).</summary>
    public bool EnableValidation { get; init; }

    /// <summary>Receives every debug-utils message of warning severity or above, from instance creation to destruction.</summary>
    public Action<GpuDebugMessage>? OnMessage { get; init; }

    /// <summary>Pick the physical device whose name contains this text (case-insensitive); null takes the first usable one.</summary>
    public string? DeviceNameFilter { get; init; }
}
