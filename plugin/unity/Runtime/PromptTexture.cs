using System;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// Puts a generated texture on this object's material: a placeholder, then the latent preview while it generates,
    /// then the texture with its mips. Change the settings and call <see cref="PromptBehaviour{T}.Regenerate"/> to ask again.
    /// </summary>
    [AddComponentMenu("Seedtex/Prompt Texture")]
    public sealed class PromptTexture : PromptBehaviour<Texture2D>
    {
        [SerializeField] private PromptSettings settings = new PromptSettings { width = 512, height = 512, previewEvery = 2 };
        [Tooltip("Material texture property that receives the result (_MainTex for built-in shaders, _BaseMap for URP Lit).")]
        [SerializeField] private string textureProperty = "_MainTex";
        [SerializeField] private Color32 placeholderColour = new Color32(128, 128, 128, 255);

        private Texture2D _placeholder;

        public override PromptSettings Settings => settings;

        public string TextureProperty
        {
            get => textureProperty;
            set => textureProperty = value;
        }

        protected override Texture2D Placeholder() => _placeholder = _placeholder != null ? _placeholder : TextureFactory.Placeholder(placeholderColour);

        protected override Texture2D Make(SeedtexRequest request, out IntPtr nativeImage)
        {
            var texture = TextureFactory.Texture(request, out nativeImage);
            texture.wrapMode = settings.tileX || settings.tileY ? TextureWrapMode.Repeat : TextureWrapMode.Clamp;
            return texture;
        }

        protected override void Waiting(SeedtexRequest request)
        {
            if (request.TryGetPreview(out var preview))
                Show(_placeholder = TextureFactory.UpdatePreview(_placeholder, preview));
        }

        protected override void Present(Texture texture)
        {
            var target = GetComponent<Renderer>();
            if (target == null)
                return;
            target.material.SetTexture(textureProperty, texture);
            // Built-in Standard and URP Lit sample _BumpMap only with this keyword on.
            if (settings.output == PromptOutput.Normal)
                target.material.EnableKeyword("_NORMALMAP");
        }

        protected override void OnDestroy()
        {
            base.OnDestroy();
            TextureFactory.Destroy(_placeholder, IntPtr.Zero);
        }
    }
}
