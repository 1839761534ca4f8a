using System.IO;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// The one Seedtex context of the game or editor, created on first use, and the per-frame delivery every component
    /// shares. Delivery goes through GL.IssuePluginEvent, so the plugin hands results over and records their GPU
    /// uploads on Unity's render thread, the thread allowed to use Unity's graphics queue.
    /// </summary>
    public static class SeedtexRuntime
    {
        private static SeedtexContext s_context;
        private static int s_deliveredFrame = -1;

        /// <summary>
        /// The model folder; null uses StreamingAssets/Seedtex/seedtex-tiny when a build put it there, else the default model
        /// the package ships beside the plugin (in the editor).
        /// </summary>
        public static string ModelFolder { get; set; }

        /// <summary>Where generated textures are kept between runs.</summary>
        public static string CacheFolder { get; set; }

        public static SeedtexContext Context
        {
            get
            {
                if (s_context == null || s_context.IsDisposed)
                {
                    string model = ModelFolder;
                    if (model == null)
                    {
                        string streaming = Path.Combine(Application.streamingAssetsPath, "Seedtex", "seedtex-tiny");
                        model = File.Exists(Path.Combine(streaming, "model_index.json")) ? streaming : null;
                    }
                    string cache = CacheFolder ?? Path.Combine(Application.persistentDataPath, "SeedtexCache");
                    Directory.CreateDirectory(cache);
                    s_context = SeedtexContext.Create(model, cache);
                }
                return s_context;
            }
        }

        /// <summary>Once per frame, whoever calls first: lets the plugin deliver finished requests within the budget.</summary>
        public static void Deliver(int budgetMicroseconds)
        {
            if (s_deliveredFrame == Time.frameCount)
                return;
            s_deliveredFrame = Time.frameCount;
            GL.IssuePluginEvent(SeedtexNative.RenderEventFunc(), budgetMicroseconds);
        }

        /// <summary>Frees the model and cancels what is still open (e.g. from an editor domain reload).</summary>
        public static void Shutdown()
        {
            s_context?.Dispose();
            s_context = null;
            s_deliveredFrame = -1;
        }
    }
}
