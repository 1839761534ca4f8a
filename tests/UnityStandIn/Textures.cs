using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace UnityEngine
{
    public enum TextureFormat
    {
        RGBA32 = 4,
        RGBAHalf = 17,
    }

    public enum TextureWrapMode
    {
        Repeat = 0,
        Clamp = 1,
    }

    public enum CubemapFace
    {
        PositiveX = 0,
        NegativeX = 1,
        PositiveY = 2,
        NegativeY = 3,
        PositiveZ = 4,
        NegativeZ = 5,
    }

    public class Texture : Object
    {
        public int width { get; protected set; }
        public int height { get; protected set; }
        public int mipmapCount { get; protected set; } = 1;
        public TextureWrapMode wrapMode { get; set; }

        /// <summary>What CreateExternalTexture was given (for Vulkan: a pointer to a VkImage); zero for Unity-made textures.</summary>
        public IntPtr ExternalPointerForTests { get; protected set; }

        /// <summary>Bytes per mip chain of one face, RGBA32.</summary>
        protected static int ChainBytes(int width, int height, int mips)
        {
            int bytes = 0;
            for (int level = 0; level < mips; level++)
                bytes += Math.Max(1, width >> level) * Math.Max(1, height >> level) * 4;
            return bytes;
        }
    }

    /// <summary>Texture2D holding its raw RGBA32 bytes (rows bottom first, mips after level 0), as Unity's raw data is laid out.</summary>
    public sealed class Texture2D : Texture
    {
        private byte[] _raw;

        public Texture2D(int width, int height, TextureFormat textureFormat, int mipCount, bool linear)
        {
            if (textureFormat != TextureFormat.RGBA32)
                throw new ArgumentException("the stand-in holds RGBA32 only");
            this.width = width;
            this.height = height;
            mipmapCount = mipCount;
            Linear = linear;
            _raw = new byte[ChainBytes(width, height, mipCount)];
        }

        public bool Linear { get; }

        public bool AppliedForTests { get; private set; }

        public static Texture2D CreateExternalTexture(int width, int height, TextureFormat format, bool mipChain, bool linear, IntPtr nativeTex)
        {
            if (nativeTex == IntPtr.Zero)
                throw new ArgumentException("nativeTex must not be zero");
            var texture = new Texture2D(width, height, format, mipChain ? 1 + (int)Math.Log2(Math.Max(width, height)) : 1, linear) { ExternalPointerForTests = nativeTex };
            texture._raw = null;
            return texture;
        }

        public void LoadRawTextureData(byte[] data)
        {
            if (_raw == null || data.Length != _raw.Length)
                throw new InvalidOperationException($"LoadRawTextureData: {data?.Length} bytes for a texture of {_raw?.Length}");
            Buffer.BlockCopy(data, 0, _raw, 0, data.Length);
        }

        public void Apply(bool updateMipmaps, bool makeNoLongerReadable) => AppliedForTests = true;

        public byte[] GetRawTextureData() => _raw == null ? throw new InvalidOperationException("an external texture has no CPU data") : (byte[])_raw.Clone();
    }

    /// <summary>Cubemap holding each face's raw RGBA32 mip chain.</summary>
    public sealed class Cubemap : Texture
    {
        private readonly byte[][] _faces = new byte[6][];

        public Cubemap(int width, TextureFormat format, int mipCount)
        {
            this.width = height = width;
            mipmapCount = mipCount;
            for (int face = 0; face < 6; face++)
                _faces[face] = new byte[ChainBytes(width, width, mipCount)];
        }

        public static Cubemap CreateExternalTexture(int width, TextureFormat format, bool mipmap, IntPtr nativeTex)
        {
            if (nativeTex == IntPtr.Zero)
                throw new ArgumentException("nativeTex must not be zero");
            return new Cubemap(width, format, mipmap ? 1 + (int)Math.Log2(width) : 1) { ExternalPointerForTests = nativeTex };
        }

        public void SetPixelData(byte[] data, int mipLevel, CubemapFace face, int sourceDataStartIndex = 0)
        {
            int offset = ChainBytes(width, width, mipLevel);
            int size = Math.Max(1, width >> mipLevel);
            Buffer.BlockCopy(data, sourceDataStartIndex, _faces[(int)face], offset, size * size * 4);
        }

        public void Apply(bool updateMipmaps, bool makeNoLongerReadable)
        {
        }

        /// <summary>Level 0 of one face, for tests.</summary>
        public byte[] FaceForTests(CubemapFace face) => _faces[(int)face].AsSpan(0, width * width * 4).ToArray();
    }

    public sealed class Shader : Object
    {
        public static Shader Find(string name) => new Shader { name = name };
    }

    public class Material : Object
    {
        private readonly Dictionary<string, Texture> _textures = new Dictionary<string, Texture>();

        public Material(Shader shader)
        {
            this.shader = shader;
        }

        public Shader shader { get; }

        public void SetTexture(string name, Texture value) => _textures[name] = value;

        public Texture GetTexture(string name) => _textures.TryGetValue(name, out var t) ? t : null;

        private readonly HashSet<string> _keywords = new HashSet<string>();

        public void EnableKeyword(string keyword) => _keywords.Add(keyword);

        public bool IsKeywordEnabled(string keyword) => _keywords.Contains(keyword);
    }

    public class Renderer : Component
    {
        public Material material { get; set; } = new Material(Shader.Find("Standard"));
    }

    public sealed class MeshRenderer : Renderer
    {
    }

    public static class RenderSettings
    {
        public static Material skybox { get; set; }
    }

    public static class GL
    {
        /// <summary>Unity queues the call for its render thread; the stand-in makes it at once on the calling thread.</summary>
        public static unsafe void IssuePluginEvent(IntPtr callback, int eventID) =>
            ((delegate* unmanaged<int, void>)callback)(eventID);
    }

    public static class ImageConversion
    {
        /// <summary>PNG of level 0, top row first (the texture holds its rows bottom first).</summary>
        public static byte[] EncodeToPNG(this Texture2D tex)
        {
            var raw = tex.GetRawTextureData();
            int row = tex.width * 4;
            var topFirst = new byte[row * tex.height];
            for (int y = 0; y < tex.height; y++)
                Buffer.BlockCopy(raw, (tex.height - 1 - y) * row, topFirst, y * row, row);
            return Seedtex.Imaging.PngFile.Encode(topFirst, tex.width, tex.height);
        }
    }
}
