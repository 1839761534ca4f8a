using Seedtex.Unity;
using UnityEngine;

namespace Seedtex.Unity.Tests;

/// <summary>The package's components, compiled as Unity compiles them, driven frame by frame against the real plugin.</summary>
[Collection(nameof(UnityPlugin))]
public sealed class PromptComponentTests : IDisposable
{
    private readonly UnityPlugin _plugin = new();

    public void Dispose() => _plugin.Dispose();

    [Fact]
    public void A_prompt_texture_shows_a_placeholder_then_previews_then_the_generated_texture_with_its_mips()
    {
        var component = UnityPlugin.NewPromptTexture(s =>
        {
            s.prompt = "red bricks";
            s.seed = 3;
            s.width = s.height = 128;
            s.steps = 6;
            s.previewEvery = 1;
        });
        var material = component.GetComponent<Renderer>().material;
        Assert.True(component.IsGenerating);
        Assert.Equal((4, 4), (component.Shown.width, component.Shown.height));
        Assert.Same(component.Shown, material.GetTexture("_MainTex"));

        var shownSizes = new HashSet<int>();
        UnityPlugin.FramesUntil(() => component.Result != null, () => shownSizes.Add(component.Shown.width));
        Assert.Contains(16, shownSizes); // a 128 px texture's latent preview is 16x16

        var result = component.Result;
        Assert.Same(result, material.GetTexture("_MainTex"));
        Assert.False(component.IsGenerating);
        Assert.Equal((128, 128, 8, TextureWrapMode.Repeat, "red bricks #3"), (result.width, result.height, result.mipmapCount, result.wrapMode, result.name));

        // The texture holds the plugin's pixels, rows bottom first as Unity stores them, every mip.
        var pixels = UnityPlugin.PluginPixels(component.Settings, out var shape);
        var raw = result.GetRawTextureData();
        Assert.Equal(pixels.Length, raw.Length);
        int row = 128 * 4;
        for (int y = 0; y < 128; y++)
            Assert.True(pixels.AsSpan(y * row, row).SequenceEqual(raw.AsSpan((127 - y) * row, row)), $"row {y} differs");
        Assert.Equal(pixels[^4..], raw[^4..]); // the 1x1 mip
        Assert.Empty(Debug.Messages);

        UnityEngine.Object.Destroy(component);
        Assert.True(result.IsDestroyedForTests);
    }

    [Fact]
    public void A_second_prompt_texture_on_the_object_puts_the_albedos_normal_map_on_bump_map_as_linear_data()
    {
        var go = new GameObject("wall");
        go.AddComponent<MeshRenderer>();
        PromptTexture Add(PromptOutput output, string property)
        {
            var component = go.AddComponent<PromptTexture>();
            component.enabled = false;
            component.TextureProperty = property;
            var s = component.Settings;
            (s.prompt, s.seed, s.width, s.height, s.steps, s.output) = ("grey cobblestone", 21, 64, 64, 2, output);
            component.enabled = true;
            return component;
        }
        var albedo = Add(PromptOutput.Albedo, "_MainTex");
        var normal = Add(PromptOutput.Normal, "_BumpMap");
        UnityPlugin.FramesUntil(() => albedo.Result != null && normal.Result != null);

        var material = go.GetComponent<Renderer>().material;
        Assert.Same(normal.Result, material.GetTexture("_BumpMap"));
        Assert.True(material.IsKeywordEnabled("_NORMALMAP"));
        Assert.Same(albedo.Result, material.GetTexture("_MainTex"));
        Assert.Equal((false, true), (albedo.Result.Linear, normal.Result.Linear));
        var raw = normal.Result.GetRawTextureData();
        long blue = 0;
        for (int i = 0; i < 64 * 64; i++)
            blue += raw[i * 4 + 2];
        Assert.True(blue / (64 * 64) > 150, $"mean blue {blue / (64 * 64)}: normals should point out of the surface");
        Assert.False(raw.AsSpan(0, 64 * 64 * 4).SequenceEqual(albedo.Result.GetRawTextureData().AsSpan(0, 64 * 64 * 4)));
        Assert.Empty(Debug.Messages);
    }

    [Fact]
    public void Disabling_a_prompt_texture_cancels_its_request_and_enabling_it_asks_again()
    {
        var component = UnityPlugin.NewPromptTexture(s =>
        {
            s.prompt = "green moss";
            s.seed = 4;
            s.width = s.height = 256;
            s.steps = 500;
        });
        UnityPlugin.FramesUntil(() => Time.frameCount % 5 == 0);
        component.enabled = false;
        Assert.False(component.IsGenerating);
        Assert.Null(component.Result);

        component.Settings.steps = 2;
        component.enabled = true;
        UnityPlugin.FramesUntil(() => component.Result != null);
        Assert.Empty(Debug.Messages);
    }

    [Fact]
    public void A_prompt_skybox_becomes_a_cubemap_sky_with_the_plugins_faces()
    {
        var go = new GameObject("sky");
        var sky = go.AddComponent<PromptSkybox>();
        sky.enabled = false;
        sky.Settings.prompt = "starry night sky";
        sky.Settings.width = 128;
        sky.Settings.height = 64;
        sky.Settings.steps = 2;
        sky.Settings.cubeFaceSize = 32;
        sky.enabled = true;
        Assert.Same(sky.Material, RenderSettings.skybox);
        Assert.Equal(4, ((Cubemap)RenderSettings.skybox.GetTexture("_Tex")).width);

        UnityPlugin.FramesUntil(() => sky.Result != null);
        var cube = (Cubemap)RenderSettings.skybox.GetTexture("_Tex");
        Assert.Same(sky.Result, cube);
        Assert.Equal((32, 6), (cube.width, cube.mipmapCount));
        Assert.Equal("Skybox/Cubemap", sky.Material.shader.name);

        var pixels = UnityPlugin.PluginPixels(sky.Settings, out var shape);
        Assert.Equal(6, shape.FaceCount);
        int faceChain = pixels.Length / 6;
        for (int face = 0; face < 6; face++)
            Assert.Equal(pixels.AsSpan(face * faceChain, 32 * 32 * 4).ToArray(), cube.FaceForTests((CubemapFace)face));
    }

    [Fact]
    public void A_refused_request_is_logged_and_leaves_the_placeholder()
    {
        var component = UnityPlugin.NewPromptTexture(s =>
        {
            s.prompt = "red bricks";
            s.width = s.height = 100; // not a multiple of 8: the plugin refuses it at request time
        });
        Assert.False(component.IsGenerating);
        Assert.Contains("multiple of 8", component.LastError);
        Assert.Contains(Debug.Messages, m => m.StartsWith("error: Seedtex:", StringComparison.Ordinal) && m.Contains("use 96 or 104", StringComparison.Ordinal));
        Assert.Equal(4, component.Shown.width);
        var e = Assert.Throws<SeedtexException>(component.Regenerate);
        Assert.Equal(SeedtexStatus.InvalidArgument, e.Status);
    }
}
