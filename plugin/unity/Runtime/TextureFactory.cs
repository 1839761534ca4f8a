using System;
using System.Runtime.InteropServices;
using UnityEngine;

namespace Seedtex.Unity
{
    /// <summary>
    /// Turns a finished request into a Unity texture: over the plugin's VkImage when it made one in Unity's device
    /// (CreateExternalTexture, no copy), else from its CPU pixels. Unity stores rows bottom first, the plugin top
    /// first, so CPU pixels are flipped on the way in. Destroy the texture with <see cref="Destroy"/>.
    /// </summary>
    public static class TextureFactory
    {
        /// <summary>A 2D texture (RGBA32, full mip chain; sRGB for colour, linear for PBR maps).</summary>
        public static Texture2D Texture(SeedtexRequest request, out IntPtr nativeImage)
        {
            nativeImage = IntPtr.Zero;
            if (request.TryGetGpuTexture(out var gpu) && gpu.IsCube == 0)
            {
                nativeImage = ImagePointer(gpu.Image);
                return Texture2D.CreateExternalTexture(gpu.Width, gpu.Height, TextureFormat.RGBA32, gpu.MipCount > 1, gpu.Format != SeedtexNative.VkFormatRgba8Srgb, nativeImage);
            }
            return CpuTexture(request);
        }

        /// <summary>A readable 2D texture from the request's CPU pixels, whatever else the plugin made.</summary>
        public static Texture2D CpuTexture(SeedtexRequest request)
        {
            var pixels = request.Pixels();
            var texture = new Texture2D(pixels.Width, pixels.Height, TextureFormat.RGBA32, pixels.MipCount, pixels.Format != SeedtexNative.FormatRgba8Srgb);
            texture.LoadRawTextureData(BottomRowFirst(pixels, 0));
            texture.Apply(false, false);
            return texture;
        }

        /// <summary>A cubemap (six faces +X -X +Y -Y +Z -Z, RGBA32, sRGB, mips) from a backdrop asked for with a cube face size.</summary>
        public static Cubemap Cube(SeedtexRequest request, out IntPtr nativeImage)
        {
            nativeImage = IntPtr.Zero;
            if (request.TryGetGpuTexture(out var gpu) && gpu.IsCube == 1)
            {
                nativeImage = ImagePointer(gpu.Image);
                return Cubemap.CreateExternalTexture(gpu.Width, TextureFormat.RGBA32, gpu.MipCount > 1, nativeImage);
            }
            var pixels = request.Pixels();
            if (pixels.FaceCount != 6)
                throw new SeedtexException(SeedtexStatus.InvalidArgument, "the request is not a cubemap; ask for a backdrop with a cube face size");
            var cube = new Cubemap(pixels.Width, TextureFormat.RGBA32, pixels.MipCount);
            byte[] all = new byte[pixels.Size];
            Marshal.Copy(pixels.Data, all, 0, all.Length);
            int offset = 0;
            for (int face = 0; face < 6; face++)
            {
                for (int level = 0; level < pixels.MipCount; level++)
                {
                    int size = Math.Max(1, pixels.Width >> level);
                    int bytes = size * size * 4;
                    cube.SetPixelData(all, level, (CubemapFace)face, offset);
                    offset += bytes;
                }
            }
            cube.Apply(false, false);
            return cube;
        }

        /// <summary>Destroys a texture made here and frees the VkImage handle cell an external texture points at.</summary>
        public static void Destroy(Texture texture, IntPtr nativeImage)
        {
            if (texture != null)
            {
                if (Application.isPlaying)
                    UnityEngine.Object.Destroy(texture);
                else
                    UnityEngine.Object.DestroyImmediate(texture);
            }
            if (nativeImage != IntPtr.Zero)
                Marshal.FreeHGlobal(nativeImage);
        }

        /// <summary>A small flat texture shown until the generated one arrives.</summary>
        public static Texture2D Placeholder(Color32 colour)
        {
            var texture = new Texture2D(PlaceholderSize, PlaceholderSize, TextureFormat.RGBA32, 1, false);
            texture.LoadRawTextureData(Flat(colour));
            texture.Apply(false, false);
            return texture;
        }

        /// <summary>A small flat sky shown until the generated cubemap arrives.</summary>
        public static Cubemap PlaceholderCube(Color32 colour)
        {
            var cube = new Cubemap(PlaceholderSize, TextureFormat.RGBA32, 1);
            var bytes = Flat(colour);
            for (int face = 0; face < 6; face++)
                cube.SetPixelData(bytes, 0, (CubemapFace)face, 0);
            cube.Apply(false, false);
            return cube;
        }

        private const int PlaceholderSize = 4;

        private static byte[] Flat(Color32 colour)
        {
            var bytes = new byte[PlaceholderSize * PlaceholderSize * 4];
            for (int i = 0; i < bytes.Length; i += 4)
            {
                bytes[i] = colour.r;
                bytes[i + 1] = colour.g;
                bytes[i + 2] = colour.b;
                bytes[i + 3] = colour.a;
            }
            return bytes;
        }

        /// <summary>Copies a latent preview into <paramref name="target"/> (recreated when its size differs); returns the texture to show.</summary>
        public static Texture2D UpdatePreview(Texture2D target, SeedtexNative.Pixels preview)
        {
            if (target == null || target.width != preview.Width || target.height != preview.Height)
                target = new Texture2D(preview.Width, preview.Height, TextureFormat.RGBA32, 1, false);
            target.LoadRawTextureData(BottomRowFirst(preview, 0));
            target.Apply(false, false);
            return target;
        }

        // Unity's Vulkan textures are named by a pointer to a VkImage handle; the cell lives as long as the texture.
        private static IntPtr ImagePointer(ulong image)
        {
            var cell = Marshal.AllocHGlobal(8);
            Marshal.WriteInt64(cell, (long)image);
            return cell;
        }

        // Face `face` of the CPU pixels with every mip level, rows reordered bottom first.
        private static byte[] BottomRowFirst(SeedtexNative.Pixels pixels, int face)
        {
            long faceBytes = 0;
            for (int level = 0; level < pixels.MipCount; level++)
                faceBytes += (long)Math.Max(1, pixels.Width >> level) * Math.Max(1, pixels.Height >> level) * 4;
            var flipped = new byte[faceBytes];
            long source = face * faceBytes;
            long target = 0;
            for (int level = 0; level < pixels.MipCount; level++)
            {
                int width = Math.Max(1, pixels.Width >> level), height = Math.Max(1, pixels.Height >> level), row = width * 4;
                for (int y = 0; y < height; y++)
                    Marshal.Copy(IntPtr.Add(pixels.Data, (int)(source + (long)(height - 1 - y) * row)), flipped, (int)(target + (long)y * row), row);
                source += (long)height * row;
                target += (long)height * row;
            }
            return flipped;
        }
    }
}
