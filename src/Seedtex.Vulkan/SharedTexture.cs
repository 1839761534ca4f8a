using System.Globalization;
using Microsoft.Win32.SafeHandles;
using Seedtex.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

/// <summary>
/// What an importer needs besides the memory fd: the image's shape, the exporter's allocation size, and the device
/// and driver UUIDs (opaque fds only import into the same driver on the same physical GPU).
/// <see cref="Serialize"/> gives one line to pass to another process.
/// </summary>
public sealed record SharedTextureInfo(GpuTextureDescription Description, ulong AllocationSize, string DeviceUuid, string DriverUuid)
{
    public string Serialize() => string.Join(';',
        Description.Format, Description.Width.ToString(CultureInfo.InvariantCulture), Description.Height.ToString(CultureInfo.InvariantCulture),
        Description.MipLevels.ToString(CultureInfo.InvariantCulture), Description.Cubemap ? "cube" : "2d",
        AllocationSize.ToString(CultureInfo.InvariantCulture), DeviceUuid, DriverUuid);

    public static SharedTextureInfo Parse(string text)
    {
        var parts = (text ?? "").Split(';');
        if (parts.Length != 8 || !Enum.TryParse<PixelFormat>(parts[0], out var format)
            || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out int width) || !int.TryParse(parts[2], CultureInfo.InvariantCulture, out int height)
            || !int.TryParse(parts[3], CultureInfo.InvariantCulture, out int mips) || parts[4] is not ("cube" or "2d")
            || !ulong.TryParse(parts[5], CultureInfo.InvariantCulture, out ulong size))
            throw SeedtexException.Argument($"'{text}' is not a shared texture description (format;width;height;mips;2d|cube;bytes;deviceUuid;driverUuid)");
        return new SharedTextureInfo(new GpuTextureDescription(format, width, height, mips, parts[4] == "cube", Exportable: true), size, parts[6], parts[7]);
    }
}

/// <summary>
/// Hands a finished image to a renderer on another VkDevice, in this process or another, through an opaque POSIX fd
/// (VK_KHR_external_memory_fd); the fd can travel over a Unix socket (SCM_RIGHTS) or be reopened through
/// /proc/&lt;pid&gt;/fd/&lt;n&gt;.
/// <para>
/// Ownership: the exporter releases the image to VK_QUEUE_FAMILY_EXTERNAL (<see cref="ReleaseToExternal"/>) and the
/// importer acquires it (<see cref="AcquireFromExternal"/>); handing it back is the same pair the other way round.
/// Both sides use GENERAL layout for the transfer itself.
/// </para>
/// <para>
/// Synchronisation goes through the CPU: each side waits for its own fence before telling the other side to go
/// ahead. Exportable semaphores (VK_KHR_external_semaphore_fd) would let the GPUs wait on each other directly, but
/// lavapipe exports none, so this API does not depend on them.
/// </para>
/// </summary>
public static unsafe class SharedTexture
{
    /// <summary>The device and driver UUIDs of a context, hex-encoded, as <see cref="SharedTextureInfo"/> carries them.</summary>
    public static (string Device, string Driver) DeviceIdentity(GpuContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = new PhysicalDeviceIDProperties { SType = StructureType.PhysicalDeviceIDProperties };
        var properties = new PhysicalDeviceProperties2 { SType = StructureType.PhysicalDeviceProperties2, PNext = &id };
        context.Vk.GetPhysicalDeviceProperties2(context.PhysicalDevice, &properties);
        return (Convert.ToHexString(new ReadOnlySpan<byte>(id.DeviceUuid, 16)), Convert.ToHexString(new ReadOnlySpan<byte>(id.DriverUuid, 16)));
    }

    /// <summary>Describes an exportable texture for an importer.</summary>
    public static SharedTextureInfo Describe(GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        RequireExportable(texture);
        var (device, driver) = DeviceIdentity(texture.Context);
        return new SharedTextureInfo(texture.Description, texture.AllocationSize, device, driver);
    }

    /// <summary>A new fd for the texture's memory. The caller owns it (the memory lives until every fd and import is gone).</summary>
    public static SafeFileHandle ExportOpaqueFd(GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        RequireExportable(texture);
        var context = texture.Context;
        var getFd = (delegate* unmanaged<Device, MemoryGetFdInfoKHR*, int*, Result>)context.DeviceFunction(GpuContext.ExternalMemoryFdExtension, "vkGetMemoryFdKHR");
        var info = new MemoryGetFdInfoKHR { SType = StructureType.MemoryGetFDInfoKhr, Memory = texture.Memory, HandleType = ExternalMemoryHandleTypeFlags.OpaqueFDBit };
        int fd;
        getFd(context.Device, &info, &fd).Check("vkGetMemoryFdKHR");
        return new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>
    /// Creates an image in <paramref name="context"/> over exported memory. On success Vulkan owns the fd and
    /// <paramref name="fd"/> is closed (without closing the descriptor); on failure the caller still owns it.
    /// </summary>
    public static GpuTexture ImportOpaqueFd(GpuContext context, SharedTextureInfo info, SafeFileHandle fd)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(fd);
        var (device, driver) = DeviceIdentity(context);
        if (!string.Equals(device, info.DeviceUuid, StringComparison.OrdinalIgnoreCase) || !string.Equals(driver, info.DriverUuid, StringComparison.OrdinalIgnoreCase))
            throw new SeedtexException(SeedtexErrorKind.Gpu,
                $"the texture was exported by device {info.DeviceUuid} (driver {info.DriverUuid}); '{context.DeviceName}' is {device} (driver {driver}). Import on the same GPU and driver, or copy through the CPU");
        var texture = GpuTexture.ImportOpaqueFd(context, info.Description, (int)fd.DangerousGetHandle(), info.AllocationSize);
        fd.SetHandleAsInvalid();
        return texture;
    }

    /// <summary>Records the release of <paramref name="texture"/> to VK_QUEUE_FAMILY_EXTERNAL, leaving it in GENERAL layout.</summary>
    public static void RecordReleaseToExternal(CommandBuffer commandBuffer, GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        texture.RecordBarrier(commandBuffer, texture.Layout, ImageLayout.General,
            PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryWriteBit, PipelineStageFlags.BottomOfPipeBit, 0,
            srcFamily: texture.Context.QueueFamilyIndex, dstFamily: Vk.QueueFamilyExternal);
    }

    /// <summary>
    /// Records the acquisition of <paramref name="texture"/> from VK_QUEUE_FAMILY_EXTERNAL (it must have been released
    /// in GENERAL layout), then moves it to SHADER_READ_ONLY_OPTIMAL for sampling.
    /// </summary>
    public static void RecordAcquireFromExternal(CommandBuffer commandBuffer, GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        texture.RecordBarrier(commandBuffer, ImageLayout.General, ImageLayout.General,
            PipelineStageFlags.TopOfPipeBit, 0, PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryReadBit,
            srcFamily: Vk.QueueFamilyExternal, dstFamily: texture.Context.QueueFamilyIndex);
        texture.RecordBarrier(commandBuffer, ImageLayout.General, ImageLayout.ShaderReadOnlyOptimal,
            PipelineStageFlags.AllCommandsBit, AccessFlags.MemoryReadBit, PipelineStageFlags.AllCommandsBit, AccessFlags.ShaderReadBit);
    }

    /// <summary>Releases to VK_QUEUE_FAMILY_EXTERNAL on the context's queue and waits: afterwards another device may acquire it.</summary>
    public static void ReleaseToExternal(GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        texture.Context.SubmitAndWait(cb => RecordReleaseToExternal(cb, texture));
    }

    /// <summary>Acquires from VK_QUEUE_FAMILY_EXTERNAL on the context's queue and waits.</summary>
    public static void AcquireFromExternal(GpuTexture texture)
    {
        ArgumentNullException.ThrowIfNull(texture);
        texture.Context.SubmitAndWait(cb => RecordAcquireFromExternal(cb, texture));
    }

    private static void RequireExportable(GpuTexture texture)
    {
        if (!texture.Description.Exportable || !texture.OwnsImage)
            throw SeedtexException.Argument("the texture was not created exportable; create it with GpuTextureDescription.Exportable = true");
    }
}
