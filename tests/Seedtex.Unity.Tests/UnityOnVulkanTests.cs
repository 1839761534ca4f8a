using Seedtex.Core;
using Seedtex.Unity;
using Seedtex.Vulkan;
using Silk.NET.Vulkan;
using UnityEngine;

namespace Seedtex.Unity.Tests;

/// <summary>The package's GPU path: Unity on Vulkan hands the plugin its device, and textures come over the plugin's VkImages.</summary>
[Collection(nameof(UnityPlugin))]
public sealed class UnityOnVulkanTests : IDisposable
{
    private readonly UnityPlugin _plugin = new();

    public void Dispose() => _plugin.Dispose();

    [Fact]
    public unsafe void A_prompt_texture_in_unity_on_vulkan_is_an_external_texture_over_the_plugins_vk_image()
    {
        using var unityDevice = GpuContext.CreateHeadless();
        var go = new GameObject("wall");
        go.AddComponent<MeshRenderer>();
        PromptTexture component;
        using (var unity = new FakeUnityVulkan(unityDevice, Path.Combine(UnityPlugin.PluginsFolder, "libseedtex.so")))
        {
            component = go.AddComponent<PromptTexture>();
            component.enabled = false;
            component.Settings.prompt = "grey gravel";
            component.Settings.width = component.Settings.height = 64;
            component.Settings.steps = 2;
            component.enabled = true;
            Assert.Equal(1, unity.InstanceCalls);

            UnityPlugin.FramesUntil(() => component.Result != null);
            var result = component.Result;
            Assert.NotEqual(IntPtr.Zero, result.ExternalPointerForTests);
            Assert.Equal((64, 64, 7), (result.width, result.height, result.mipmapCount));

            // Texture2D.CreateExternalTexture got a pointer to the VkImage; read that image back on Unity's device.
            ulong image = *(ulong*)result.ExternalPointerForTests;
            using var wrapped = GpuTexture.Wrap(unityDevice, new Image(image),
                new GpuTextureDescription(PixelFormat.Rgba8Srgb, 64, 64, 7), ImageLayout.ShaderReadOnlyOptimal);
            var onGpu = TextureUploader.Download(unityDevice, wrapped);
            var pixels = UnityPlugin.PluginPixels(component.Settings, out _);
            Assert.Equal(pixels, onGpu.Pixels.ToArray());
            UnityEngine.Object.Destroy(component);
        }
    }
}
