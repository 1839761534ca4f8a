using System.Runtime.InteropServices;

namespace Seedtex.Native;

/// <summary>Status codes; twin of <c>stx_status</c> in plugin/include/seedtex.h.</summary>
internal enum Status
{
    Ok = 0,
    Pending = 1,
    InvalidArgument = -1,
    NullPointer = -2,
    InvalidUtf8 = -3,
    InvalidHandle = -4,
    AbiMismatch = -5,
    Model = -6,
    Io = -7,
    Cancelled = -8,
    Failed = -9,
    Gpu = -10,
    NotAvailable = -11,
}

/// <summary>Twin of <c>stx_context_desc</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct ContextDesc
{
    public uint StructSize;
    public nint ModelFolder;
    public nint CacheFolder;
    public int Threads;
}

/// <summary>Twin of <c>stx_texture_settings</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct TextureSettings
{
    public uint StructSize;
    public nint Prompt;
    public nint NegativePrompt;
    public long Seed;
    public int Width;
    public int Height;
    public int Steps;
    public float Guidance;
    public uint Tiling;
    public uint Kind;
    public uint Priority;
    public int CubeFaceSize;
    public int PreviewEvery;
    public uint Output;
    public uint NormalConvention;
    public float NormalStrength;
}

/// <summary>Twin of <c>stx_vulkan_device</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct VulkanDevice
{
    public uint StructSize;
    public uint ApiVersion;
    public nint Instance;
    public nint PhysicalDevice;
    public nint Device;
    public nint Queue;
    public uint QueueFamilyIndex;
    public uint EnabledExtensionCount;
    public nint EnabledExtensions;
    public nint GetInstanceProcAddr;
}

/// <summary>Twin of <c>stx_gpu_texture</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct GpuTextureInfo
{
    public uint StructSize;
    public uint Format;
    public ulong Image;
    public ulong ImageView;
    public uint Layout;
    public int Width;
    public int Height;
    public int MipCount;
    public int IsCube;
    public int CacheHit;
}

/// <summary>Unity's UnityVulkanInstance (IUnityGraphicsVulkan.h), as IUnityGraphicsVulkan::Instance returns it.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct UnityVulkanInstance
{
    public ulong PipelineCache;
    public nint Instance;
    public nint PhysicalDevice;
    public nint Device;
    public nint GraphicsQueue;
    public nint GetInstanceProcAddr;
    public uint QueueFamilyIndex;
    public fixed ulong Reserved[8];
}

/// <summary>Twin of <c>stx_pixels</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct Pixels
{
    public uint StructSize;
    public uint Format;
    public int Width;
    public int Height;
    public int MipCount;
    public int FaceCount;
    public nint Data;
    public ulong Size;
    public int CacheHit;
}
