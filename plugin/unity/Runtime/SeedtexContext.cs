using System;
using System.Runtime.InteropServices;

namespace Seedtex.Unity
{
    /// <summary>
    /// One stx_context: a loaded model, a cache folder and the requests made through it. Creating one loads the model
    /// (seconds); do it once (see <see cref="SeedtexRuntime"/>). Inside Unity on Vulkan the plugin takes Unity's device by
    /// itself, and results then also come as VkImages.
    /// </summary>
    public sealed class SeedtexContext : IDisposable
    {
        private IntPtr _handle;

        private SeedtexContext(IntPtr handle)
        {
            _handle = handle;
        }

        /// <param name="modelFolder">A diffusers ONNX model folder, or null for the default model beside the plugin.</param>
        /// <param name="cacheFolder">Where generated textures are kept between runs.</param>
        /// <param name="threads">ONNX Runtime threads; 0 takes all cores but one, so the game keeps a core while a texture generates.</param>
        public static SeedtexContext Create(string modelFolder, string cacheFolder, int threads = 0)
        {
            if (SeedtexNative.AbiVersionOfLibrary() != SeedtexNative.AbiVersion)
                throw new SeedtexException(SeedtexStatus.AbiMismatch, "the Seedtex native library speaks ABI " + SeedtexNative.AbiVersionOfLibrary() + ", this package " + SeedtexNative.AbiVersion + "; update both together");
            var model = modelFolder == null ? IntPtr.Zero : Marshal.StringToCoTaskMemUTF8(modelFolder);
            var cache = Marshal.StringToCoTaskMemUTF8(cacheFolder);
            try
            {
                var desc = new SeedtexNative.ContextDesc
                {
                    StructSize = (uint)Marshal.SizeOf<SeedtexNative.ContextDesc>(),
                    ModelFolder = model,
                    CacheFolder = cache,
                    Threads = threads,
                };
                SeedtexNative.Check(SeedtexNative.ContextCreate(ref desc, out IntPtr handle), "stx_context_create");
                return new SeedtexContext(handle);
            }
            finally
            {
                Marshal.FreeCoTaskMem(model);
                Marshal.FreeCoTaskMem(cache);
            }
        }

        public bool IsDisposed => _handle == IntPtr.Zero;

        /// <summary>The stx_context handle, for calling the C ABI directly; zero once disposed.</summary>
        public IntPtr NativeHandle => _handle;

        /// <summary>Starts a request; never waits for inference.</summary>
        public SeedtexRequest Request(PromptSettings settings)
        {
            if (settings == null)
                throw new ArgumentNullException(nameof(settings));
            if (_handle == IntPtr.Zero)
                throw new ObjectDisposedException(nameof(SeedtexContext));
            var prompt = Marshal.StringToCoTaskMemUTF8(settings.prompt ?? "");
            var negative = Marshal.StringToCoTaskMemUTF8(settings.negativePrompt ?? "");
            try
            {
                var native = new SeedtexNative.TextureSettings
                {
                    StructSize = (uint)Marshal.SizeOf<SeedtexNative.TextureSettings>(),
                    Prompt = prompt,
                    NegativePrompt = negative,
                    Seed = settings.seed,
                    Width = settings.width,
                    Height = settings.height,
                    Steps = settings.steps,
                    Guidance = settings.guidance,
                    Tiling = (settings.tileX ? SeedtexNative.TileX : 0) | (settings.tileY ? SeedtexNative.TileY : 0),
                    Kind = settings.backdrop ? SeedtexNative.KindBackdrop : SeedtexNative.KindTexture,
                    Priority = (uint)settings.priority,
                    CubeFaceSize = settings.backdrop ? settings.cubeFaceSize : 0,
                    PreviewEvery = settings.previewEvery,
                    Output = (uint)settings.output,
                    NormalConvention = 0,   // OpenGL (green = +Y), Unity's convention
                    NormalStrength = settings.normalStrength,
                };
                SeedtexNative.Check(SeedtexNative.RequestTexture(_handle, ref native, out IntPtr request), "stx_request_texture");
                return new SeedtexRequest(this, request, settings.Copy());
            }
            finally
            {
                Marshal.FreeCoTaskMem(prompt);
                Marshal.FreeCoTaskMem(negative);
            }
        }

        /// <summary>Hands finished requests over (and submits their GPU uploads) within the budget. Call it where the
        /// graphics queue may be used: through <see cref="SeedtexRuntime.Deliver"/> it runs on Unity's render thread.</summary>
        public int Pump(uint budgetMicroseconds)
        {
            SeedtexNative.Check(SeedtexNative.Pump(_handle, budgetMicroseconds, out uint delivered), "stx_pump");
            return (int)delivered;
        }

        /// <summary>Cancels the requests still open (their handles become invalid) and frees the model.</summary>
        public void Dispose()
        {
            if (_handle == IntPtr.Zero)
                return;
            SeedtexNative.ContextDestroy(_handle);
            _handle = IntPtr.Zero;
        }
    }
}
