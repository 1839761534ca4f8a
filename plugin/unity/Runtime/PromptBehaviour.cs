using System;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// The life of one generated texture on a component: request on enable, a placeholder while generating, the result
    /// when done, cancel on disable, clean up on destroy. <see cref="PromptTexture"/> and <see cref="PromptSkybox"/>
    /// differ only in what they make and where they show it.
    /// </summary>
    public abstract class PromptBehaviour<T> : MonoBehaviour
        where T : Texture
    {
        [Tooltip("Main-thread time per frame the plugin may use to hand results over, in microseconds.")]
        [SerializeField] private int frameBudgetMicroseconds = 2000;

        private SeedtexRequest _request;
        // An external result samples its request's VkImage: that request lives as long as the texture does.
        private SeedtexRequest _resultOwner;
        private IntPtr _resultImage;
        // The context went away (script reload, quit) while this asked or showed its VkImage: ask again on the next Update.
        private bool _askAgain;

        public abstract PromptSettings Settings { get; }

        /// <summary>The generated texture, or null while generating.</summary>
        public T Result { get; private set; }

        /// <summary>What is shown now: the placeholder, a preview, or the result.</summary>
        public Texture Shown { get; private set; }

        public bool IsGenerating => _request != null;

        /// <summary>The failure message of the last request, empty when there was none.</summary>
        public string LastError { get; private set; } = "";

        /// <summary>Asks again with the current settings (the same settings come from the cache).</summary>
        public void Regenerate()
        {
            Stop();
            _askAgain = false;
            LastError = "";
            Show(Placeholder());
            _request = SeedtexRuntime.Context.Request(Settings);
        }

        protected abstract T Placeholder();

        protected abstract T Make(SeedtexRequest request, out IntPtr nativeImage);

        protected abstract void Present(Texture texture);

        /// <summary>Called each frame while the request waits (e.g. to show its latest preview).</summary>
        protected virtual void Waiting(SeedtexRequest request)
        {
        }

        protected void Show(Texture texture)
        {
            Shown = texture;
            Present(texture);
        }

        // Unity's messages (OnEnable, Update, OnDisable, OnDestroy) are protected so Unity finds them on this base class.
        protected void OnEnable()
        {
            // Statics do not survive a script reload: subscribe on every enable (at most once).
            SeedtexRuntime.ContextEnding -= LetGoOfContext;
            SeedtexRuntime.ContextEnding += LetGoOfContext;
            Ask();
        }

        protected void Update()
        {
            // Every frame, not only while generating: the runtime releases replaced results in Deliver.
            SeedtexRuntime.Deliver(frameBudgetMicroseconds);
            if (_askAgain)
                Ask();
            if (_request == null)
                return;
            switch (_request.Poll(out _))
            {
                case SeedtexRequestState.Waiting:
                    Waiting(_request);
                    break;
                case SeedtexRequestState.Done:
                    ReleaseResult();
                    Result = Make(_request, out _resultImage);
                    Result.name = Settings.prompt + " #" + Settings.seed;
                    Show(Result);
                    if (_resultImage != IntPtr.Zero)
                        _resultOwner = _request;
                    else
                        _request.Dispose();
                    _request = null;
                    break;
                case SeedtexRequestState.Failed:
                    LastError = _request.Error();
                    Debug.LogError("Seedtex: " + LastError, this);
                    Stop();
                    break;
                case SeedtexRequestState.Cancelled:
                    Stop();
                    break;
            }
        }

        protected void OnDisable() => Stop();

        protected virtual void OnDestroy()
        {
            SeedtexRuntime.ContextEnding -= LetGoOfContext;
            Stop();
            ReleaseResult();
        }

        private void Ask()
        {
            try
            {
                Regenerate();
            }
            catch (SeedtexException e)
            {
                // Bad settings keep the placeholder and say why, like a failed generation.
                LastError = e.Message;
                Debug.LogError("Seedtex: " + e.Message, this);
            }
        }

        // The context is about to be freed, and with it the open request and the VkImage an external result shows.
        // A CPU result owns its pixels and stays.
        private void LetGoOfContext()
        {
            if (_request == null && _resultOwner == null)
                return;
            Stop();
            if (_resultOwner != null)
            {
                ReleaseResult();
                Show(Placeholder());
            }
            _askAgain = true;
        }

        // The texture goes now; its VkImage only once the frames already recorded with it are done.
        private void ReleaseResult()
        {
            TextureFactory.Destroy(Result, _resultImage);
            Result = null;
            _resultImage = IntPtr.Zero;
            if (_resultOwner != null)
                SeedtexRuntime.ReleaseLater(_resultOwner);
            _resultOwner = null;
        }

        private void Stop()
        {
            if (_request == null)
                return;
            _request.Cancel();
            _request.Dispose();
            _request = null;
        }
    }
}
