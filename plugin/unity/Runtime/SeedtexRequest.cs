using System;
using System.Runtime.InteropServices;

namespace Seedtex.Unity
{
    /// <summary>One stx_request: its state, its result (GPU texture and/or CPU pixels) and its latest preview. Dispose releases it.</summary>
    public sealed class SeedtexRequest : IDisposable
    {
        private IntPtr _handle;

        internal SeedtexRequest(IntPtr handle, PromptSettings settings)
        {
            _handle = handle;
            Settings = settings;
        }

        /// <summary>A copy of what was asked for.</summary>
        public PromptSettings Settings { get; }

        /// <summary>The state and progress (0..1); a released request, or one whose context went away, reads as cancelled.</summary>
        public SeedtexRequestState Poll(out float progress)
        {
            progress = 0;
            if (_handle == IntPtr.Zero || SeedtexNative.RequestPoll(_handle, out uint state, out progress) != SeedtexStatus.Ok)
                return SeedtexRequestState.Cancelled;
            return (SeedtexRequestState)state;
        }

        /// <summary>The error message of a failed request.</summary>
        public string Error()
        {
            var pixels = NewPixels();
            return SeedtexNative.RequestGetPixels(_handle, ref pixels) == SeedtexStatus.Ok ? "" : SeedtexNative.LastError();
        }

        /// <summary>CPU pixels of a finished request: RGBA8 sRGB, rows top to bottom, faces then mips, tightly packed.
        /// Valid until <see cref="Dispose"/>.</summary>
        public SeedtexNative.Pixels Pixels()
        {
            var pixels = NewPixels();
            SeedtexNative.Check(SeedtexNative.RequestGetPixels(_handle, ref pixels), "stx_request_get_pixels");
            return pixels;
        }

        /// <summary>The VkImage of a finished request when the plugin works in Unity's Vulkan device; false otherwise.</summary>
        public bool TryGetGpuTexture(out SeedtexNative.GpuTexture texture)
        {
            texture = new SeedtexNative.GpuTexture { StructSize = (uint)Marshal.SizeOf<SeedtexNative.GpuTexture>() };
            return _handle != IntPtr.Zero && SeedtexNative.RequestGetTexture(_handle, ref texture) == SeedtexStatus.Ok;
        }

        /// <summary>The latest latent preview (one pixel per latent pixel), when the settings asked for previews and one exists.</summary>
        public bool TryGetPreview(out SeedtexNative.Pixels preview)
        {
            preview = NewPixels();
            return _handle != IntPtr.Zero && SeedtexNative.RequestGetPreview(_handle, ref preview) == SeedtexStatus.Ok;
        }

        /// <summary>Stops it: at once when queued, between steps when running. Nothing cancelled reaches the cache.</summary>
        public void Cancel()
        {
            if (_handle != IntPtr.Zero)
                SeedtexNative.RequestCancel(_handle);
        }

        /// <summary>Releases the request, its pixels and its VkImage: only once the frames that sample it are done.</summary>
        public void Dispose()
        {
            if (_handle == IntPtr.Zero)
                return;
            SeedtexNative.RequestRelease(_handle);
            _handle = IntPtr.Zero;
        }

        private static SeedtexNative.Pixels NewPixels() => new SeedtexNative.Pixels { StructSize = (uint)Marshal.SizeOf<SeedtexNative.Pixels>() };
    }
}
