using System;
using System.Runtime.InteropServices;

namespace Seedtex.Unity
{
    /// <summary>
    /// One stx_request: its state, its result (GPU texture and/or CPU pixels) and its latest preview. Dispose releases it.
    /// Once its context is freed (<see cref="SeedtexRuntime.Shutdown"/>) the request is gone: it reads as cancelled and
    /// makes no more plugin calls.
    /// </summary>
    public sealed class SeedtexRequest : IDisposable
    {
        private readonly SeedtexContext _context;
        private IntPtr _handle;

        internal SeedtexRequest(SeedtexContext context, IntPtr handle, PromptSettings settings)
        {
            _context = context;
            _handle = handle;
            Settings = settings;
        }

        /// <summary>A copy of what was asked for.</summary>
        public PromptSettings Settings { get; }

        /// <summary>Released, or its context was freed (which freed the request with it).</summary>
        public bool IsGone => _handle == IntPtr.Zero || _context.IsDisposed;

        /// <summary>The stx_request handle, for calling the C ABI directly; zero once the request is gone.</summary>
        public IntPtr NativeHandle => IsGone ? IntPtr.Zero : _handle;

        /// <summary>The state and progress (0..1); a request that is gone reads as cancelled.</summary>
        public SeedtexRequestState Poll(out float progress)
        {
            progress = 0;
            if (IsGone || SeedtexNative.RequestPoll(_handle, out uint state, out progress) != SeedtexStatus.Ok)
                return SeedtexRequestState.Cancelled;
            return (SeedtexRequestState)state;
        }

        /// <summary>The error message of a failed request.</summary>
        public string Error()
        {
            if (IsGone)
                return GoneMessage;
            var pixels = NewPixels();
            return SeedtexNative.RequestGetPixels(_handle, ref pixels) == SeedtexStatus.Ok ? "" : SeedtexNative.LastError();
        }

        /// <summary>CPU pixels of a finished request: RGBA8 sRGB, rows top to bottom, faces then mips, tightly packed.
        /// Valid until <see cref="Dispose"/>.</summary>
        public SeedtexNative.Pixels Pixels()
        {
            if (IsGone)
                throw new SeedtexException(SeedtexStatus.InvalidHandle, GoneMessage);
            var pixels = NewPixels();
            SeedtexNative.Check(SeedtexNative.RequestGetPixels(_handle, ref pixels), "stx_request_get_pixels");
            return pixels;
        }

        /// <summary>The VkImage of a finished request when the plugin works in Unity's Vulkan device; false otherwise.</summary>
        public bool TryGetGpuTexture(out SeedtexNative.GpuTexture texture)
        {
            texture = new SeedtexNative.GpuTexture { StructSize = (uint)Marshal.SizeOf<SeedtexNative.GpuTexture>() };
            return !IsGone && SeedtexNative.RequestGetTexture(_handle, ref texture) == SeedtexStatus.Ok;
        }

        /// <summary>The latest latent preview (one pixel per latent pixel), when the settings asked for previews and one exists.</summary>
        public bool TryGetPreview(out SeedtexNative.Pixels preview)
        {
            preview = NewPixels();
            return !IsGone && SeedtexNative.RequestGetPreview(_handle, ref preview) == SeedtexStatus.Ok;
        }

        /// <summary>Stops it: at once when queued, between steps when running. Nothing cancelled reaches the cache.</summary>
        public void Cancel()
        {
            if (!IsGone)
                SeedtexNative.RequestCancel(_handle);
        }

        /// <summary>Releases the request, its pixels and its VkImage at once: only once the frames that sample it are done
        /// (<see cref="SeedtexRuntime.ReleaseLater"/> waits for them).</summary>
        public void Dispose()
        {
            if (!IsGone)
                SeedtexNative.RequestRelease(_handle);
            _handle = IntPtr.Zero;
        }

        private const string GoneMessage = "the request is gone: it was released, or its context was freed (script reload, quit); request again";

        private static SeedtexNative.Pixels NewPixels() => new SeedtexNative.Pixels { StructSize = (uint)Marshal.SizeOf<SeedtexNative.Pixels>() };
    }
}
