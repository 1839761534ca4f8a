using System;
using System.Collections.Generic;
using System.IO;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// The one Seedtex context of the game or editor, created on first use, and the per-frame delivery every component
    /// shares. Delivery goes through GL.IssuePluginEvent, so the plugin hands results over and records their GPU
    /// uploads on Unity's render thread, the thread allowed to use Unity's graphics queue.
    /// </summary>
    /// <remarks>
    /// The native plugin outlives script reloads and play sessions, so the context must be freed by hand: on
    /// Application.quitting (registered when the context is created) and, in the editor, before every assembly reload
    /// (Seedtex.Unity.Editor registers that).
    /// </remarks>
    public static class SeedtexRuntime
    {
        /// <summary>Frames a released result waits before the plugin frees its VkImage: Unity keeps up to 3 frames in flight.</summary>
        public const int FramesInFlight = 4;

        // Requests to release and the first frame whose Deliver may release them, in that order.
        private static readonly Queue<(SeedtexRequest Request, int Frame)> s_releases = new Queue<(SeedtexRequest, int)>();
        private static SeedtexContext s_context;
        private static int s_deliveredFrame = -1;

        /// <summary>
        /// Raised by <see cref="Shutdown"/> before the context is freed: whoever holds its requests or shows their VkImages
        /// lets go of them now (the components show their placeholder and ask again on their next Update).
        /// </summary>
        public static event Action ContextEnding;

        /// <summary>
        /// The model folder; null uses StreamingAssets/Seedtex/seedtex-tiny when a build put it there, else the default model
        /// the package ships beside the plugin (in the editor).
        /// </summary>
        public static string ModelFolder { get; set; }

        /// <summary>Where generated textures are kept between runs.</summary>
        public static string CacheFolder { get; set; }

        /// <summary>Requests waiting in <see cref="ReleaseLater"/>.</summary>
        public static int PendingReleases => s_releases.Count;

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
                    // Once, however many contexts come and go (statics survive play sessions when domain reload is off).
                    Application.quitting -= Shutdown;
                    Application.quitting += Shutdown;
                }
                return s_context;
            }
        }

        /// <summary>
        /// Once per frame, whoever calls first: releases the requests whose frames are done (<see cref="ReleaseLater"/>)
        /// and lets the plugin deliver finished requests within the budget.
        /// </summary>
        public static void Deliver(int budgetMicroseconds)
        {
            if (s_deliveredFrame == Time.frameCount)
                return;
            s_deliveredFrame = Time.frameCount;
            while (s_releases.Count > 0 && s_releases.Peek().Frame <= Time.frameCount)
                s_releases.Dequeue().Request.Dispose();
            GL.IssuePluginEvent(SeedtexNative.RenderEventFunc(), budgetMicroseconds);
        }

        /// <summary>
        /// Releases a request whose VkImage Unity may still sample: frames already recorded can use it on the GPU, so the
        /// plugin frees it <see cref="FramesInFlight"/> frames from now, in <see cref="Deliver"/> (or at <see cref="Shutdown"/>).
        /// </summary>
        public static void ReleaseLater(SeedtexRequest request)
        {
            if (request == null)
                throw new ArgumentNullException(nameof(request));
            s_releases.Enqueue((request, Time.frameCount + FramesInFlight));
        }

        /// <summary>
        /// Frees the model and every request of the context (open or waiting in <see cref="ReleaseLater"/>), after telling
        /// <see cref="ContextEnding"/>. Runs before a script reload and on quit; the next use creates a new context.
        /// </summary>
        public static void Shutdown()
        {
            if (s_context != null && !s_context.IsDisposed)
                ContextEnding?.Invoke();
            while (s_releases.Count > 0)
                s_releases.Dequeue().Request.Dispose();
            s_context?.Dispose();
            s_context = null;
            s_deliveredFrame = -1;
        }
    }
}
