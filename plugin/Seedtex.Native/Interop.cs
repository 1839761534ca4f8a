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
