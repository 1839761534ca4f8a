using System;

namespace Seedtex.Unity
{
    /// <summary>Who asks: the editor goes first, the game next, bake jobs when nothing else waits (they age, so they never starve).</summary>
    public enum PromptPriority
    {
        Editor = 0,
        Game = 1,
        Bake = 2,
    }

    /// <summary>
    /// What a request returns: the colour texture, or a PBR map made from it (linear data; cached under the colour
    /// texture's key, so a material's albedo and normal map run the model once).
    /// </summary>
    public enum PromptOutput
    {
        Albedo = 0,
        Normal = 1,
        Height = 2,
        Roughness = 3,
        AmbientOcclusion = 4,
    }

    /// <summary>What to generate. Zeros mean the model's defaults; the same settings give the same texture, from the cache after the first time.</summary>
    [Serializable]
    public sealed class PromptSettings
    {
        public string prompt = "mossy cobblestone";
        public string negativePrompt = "";
        public long seed = 1;
        public int width;
        public int height;
        public int steps;
        /// <summary>NaN: the model's default; 1 or less turns guidance off.</summary>
        public float guidance = float.NaN;
        public bool tileX = true;
        public bool tileY = true;
        /// <summary>A 2:1 equirectangular sky that wraps in x (width and height describe the panorama).</summary>
        public bool backdrop;
        /// <summary>With <see cref="backdrop"/>: 0 for the panorama, a power of two (16..4096) for a cubemap with that face size.</summary>
        public int cubeFaceSize;
        public PromptPriority priority = PromptPriority.Game;
        /// <summary>0: no previews; N: a cheap latent preview every N steps while it generates.</summary>
        public int previewEvery;
        /// <summary>The colour texture, or one of its PBR maps (textures only, not backdrops); normals are OpenGL-style (Y up), as Unity expects.</summary>
        public PromptOutput output;
        /// <summary>With output Normal: how steep the normals are; 0 is the default (2).</summary>
        public float normalStrength;

        public PromptSettings Copy() => (PromptSettings)MemberwiseClone();
    }
}
