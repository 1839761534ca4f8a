using System;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// Makes the scene's sky a generated 360° backdrop: a 2:1 panorama that wraps around, turned into a cubemap with
    /// mips and shown through the Skybox/Cubemap shader. A flat placeholder sky shows until it is done.
    /// </summary>
    [AddComponentMenu("Seedtex/Prompt Skybox")]
    public sealed class PromptSkybox : PromptBehaviour<Cubemap>
    {
        [SerializeField] private PromptSettings settings = new PromptSettings
        {
            prompt = "sunset sky over mountains", width = 1024, height = 512, backdrop = true, tileX = false, tileY = false, cubeFaceSize = 256,
        };
        [SerializeField] private Color32 placeholderColour = new Color32(110, 140, 180, 255);

        private Cubemap _placeholder;
        private Material _material;

        public override PromptSettings Settings => settings;

        /// <summary>The skybox material this component drives (it becomes RenderSettings.skybox).</summary>
        public Material Material => _material;

        protected override Cubemap Placeholder()
        {
            // A sky is always a backdrop, and a skybox needs a cubemap.
            settings.backdrop = true;
            if (settings.cubeFaceSize == 0)
                settings.cubeFaceSize = 256;
            return _placeholder = _placeholder != null ? _placeholder : TextureFactory.PlaceholderCube(placeholderColour);
        }

        protected override Cubemap Make(SeedtexRequest request, out IntPtr nativeImage) => TextureFactory.Cube(request, out nativeImage);

        protected override void Present(Texture texture)
        {
            if (_material == null)
                _material = new Material(Shader.Find("Skybox/Cubemap"));
            _material.SetTexture("_Tex", texture);
            RenderSettings.skybox = _material;
        }

        protected override void OnDestroy()
        {
            base.OnDestroy();
            TextureFactory.Destroy(_placeholder, IntPtr.Zero);
        }
    }
}
