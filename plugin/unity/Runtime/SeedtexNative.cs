using System;
using System.Runtime.InteropServices;

namespace Seedtex.Unity
{
    /// <summary>Status codes of the C ABI (stx_status in seedtex.h).</summary>
    public enum SeedtexStatus
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

    /// <summary>stx_request_state.</summary>
    public enum SeedtexRequestState
    {
        Waiting = 0,
        Done = 1,
        Failed = 2,
        Cancelled = 3,
    }

    /// <summary>
    /// The Seedtex native plugin's C ABI (plugin/include/seedtex.h, ABI 2), declared for P/Invoke. This package talks to
    /// Seedtex through these functions only. Structs carry their own size, as the header asks.
    /// </summary>
    public static class SeedtexNative
    {
        /// <summary>libseedtex.so / seedtex.dll / libseedtex.dylib in the package's Plugins folder.</summary>
        public const string Library = "seedtex";

        public const uint AbiVersion = 4;
        public const uint TileX = 1;
        public const uint TileY = 2;
        public const uint KindTexture = 1;
        public const uint KindBackdrop = 3;

        /// <summary>stx_pixel_format.</summary>
        public const uint FormatRgba8Srgb = 1;

        /// <summary>VK_FORMAT_R8G8B8A8_SRGB, as stx_gpu_texture reports it.</summary>
        public const uint VkFormatRgba8Srgb = 43;

        [StructLayout(LayoutKind.Sequential)]
        public struct ContextDesc
        {
            public uint StructSize;
            public IntPtr ModelFolder;
            public IntPtr CacheFolder;
            public int Threads;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct TextureSettings
        {
            public uint StructSize;
            public IntPtr Prompt;
            public IntPtr NegativePrompt;
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

        [StructLayout(LayoutKind.Sequential)]
        public struct Pixels
        {
            public uint StructSize;
            public uint Format;
            public int Width;
            public int Height;
            public int MipCount;
            public int FaceCount;
            public IntPtr Data;
            public ulong Size;
            public int CacheHit;
        }

        [StructLayout(LayoutKind.Sequential)]
        public struct GpuTexture
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

        [DllImport(Library, EntryPoint = "stx_abi_version")]
        public static extern uint AbiVersionOfLibrary();

        [DllImport(Library, EntryPoint = "stx_last_error")]
        private static extern IntPtr LastErrorPointer();

        [DllImport(Library, EntryPoint = "stx_context_create")]
        public static extern SeedtexStatus ContextCreate(ref ContextDesc desc, out IntPtr context);

        [DllImport(Library, EntryPoint = "stx_context_destroy")]
        public static extern SeedtexStatus ContextDestroy(IntPtr context);

        [DllImport(Library, EntryPoint = "stx_request_texture")]
        public static extern SeedtexStatus RequestTexture(IntPtr context, ref TextureSettings settings, out IntPtr request);

        [DllImport(Library, EntryPoint = "stx_pump")]
        public static extern SeedtexStatus Pump(IntPtr context, uint budgetMicroseconds, out uint delivered);

        [DllImport(Library, EntryPoint = "stx_request_poll")]
        public static extern SeedtexStatus RequestPoll(IntPtr request, out uint state, out float progress);

        [DllImport(Library, EntryPoint = "stx_request_get_pixels")]
        public static extern SeedtexStatus RequestGetPixels(IntPtr request, ref Pixels pixels);

        [DllImport(Library, EntryPoint = "stx_request_get_texture")]
        public static extern SeedtexStatus RequestGetTexture(IntPtr request, ref GpuTexture texture);

        [DllImport(Library, EntryPoint = "stx_request_get_preview")]
        public static extern SeedtexStatus RequestGetPreview(IntPtr request, ref Pixels pixels);

        [DllImport(Library, EntryPoint = "stx_request_cancel")]
        public static extern SeedtexStatus RequestCancel(IntPtr request);

        [DllImport(Library, EntryPoint = "stx_request_release")]
        public static extern SeedtexStatus RequestRelease(IntPtr request);

        /// <summary>The function GL.IssuePluginEvent calls on Unity's render thread: stx_pump for every context, the event id as budget (µs).</summary>
        [DllImport(Library, EntryPoint = "stx_get_render_event_func")]
        public static extern IntPtr RenderEventFunc();

        /// <summary>The last error of this thread, as the plugin wrote it.</summary>
        public static string LastError() => Marshal.PtrToStringUTF8(LastErrorPointer()) ?? "";

        /// <summary>Throws a <see cref="SeedtexException"/> with the plugin's message unless the call succeeded.</summary>
        public static void Check(SeedtexStatus status, string call)
        {
            if (status != SeedtexStatus.Ok)
                throw new SeedtexException(status, call + ": " + LastError());
        }
    }

    /// <summary>A failed plugin call: its status and the plugin's message (which names the problem and the fix).</summary>
    public sealed class SeedtexException : Exception
    {
        public SeedtexException(SeedtexStatus status, string message)
            : base(message)
        {
            Status = status;
        }

        public SeedtexStatus Status { get; }
    }
}
