using Seedtex.Unity;
using Seedtex.Vulkan;
using UnityEngine;

namespace Seedtex.Unity.Tests;

/// <summary>
/// On Vulkan a result is the plugin's VkImage, which frames Unity already recorded may still sample: a replaced result's
/// request is released <see cref="SeedtexRuntime.FramesInFlight"/> frames later, and at once when the context goes.
/// </summary>
[Collection(nameof(UnityPlugin))]
public sealed class ResultReleaseTests : IDisposable
{
    private readonly UnityPlugin _plugin = new();

    public void Dispose() => _plugin.Dispose();

    private static Texture2D NextResult(PromptTexture component, long seed)
    {
        var previous = component.Result;
        component.Settings.seed = seed;
        component.Regenerate();
        UnityPlugin.FramesUntil(() => component.Result != null && component.Result != previous);
        Assert.True(previous.IsDestroyedForTests);
        Assert.NotEqual(IntPtr.Zero, component.Result.ExternalPointerForTests);
        return component.Result;
    }

    [Fact]
    public void A_replaced_result_keeps_its_vk_image_for_the_frames_in_flight_and_shutdown_releases_everything_at_once()
    {
        using var unityDevice = GpuContext.CreateHeadless();
        using var unity = new FakeUnityVulkan(unityDevice, Path.Combine(UnityPlugin.PluginsFolder, "libseedtex.so"));
        var component = UnityPlugin.NewPromptTexture(s =>
        {
            s.prompt = "grey gravel";
            s.seed = 1;
            s.width = s.height = 64;
            s.steps = 2;
            s.previewEvery = 0;
        });
        UnityPlugin.FramesUntil(() => component.Result != null);
        IntPtr first = UnityPlugin.ResultRequest(component)!.NativeHandle;

        // Released in the Deliver of the FramesInFlight-th frame after the one that replaced it, not before.
        NextResult(component, 2);
        Assert.Equal(1, SeedtexRuntime.PendingReleases);
        for (int frame = 1; frame < SeedtexRuntime.FramesInFlight; frame++)
        {
            Lifecycle.Frame();
            Assert.Equal(SeedtexStatus.Ok, UnityPlugin.Poll(first));
        }
        Lifecycle.Frame();
        Assert.Equal(SeedtexStatus.InvalidHandle, UnityPlugin.Poll(first));
        Assert.Equal(0, SeedtexRuntime.PendingReleases);

        // Shutdown releases the replaced one still waiting and the one shown; the component shows its placeholder and asks again.
        IntPtr second = UnityPlugin.ResultRequest(component)!.NativeHandle;
        var third = NextResult(component, 3);
        IntPtr thirdRequest = UnityPlugin.ResultRequest(component)!.NativeHandle;
        Assert.Equal((SeedtexStatus.Ok, 1), (UnityPlugin.Poll(second), SeedtexRuntime.PendingReleases));
        SeedtexRuntime.Shutdown();
        Assert.Equal(0, SeedtexRuntime.PendingReleases);
        Assert.Equal(SeedtexStatus.InvalidHandle, UnityPlugin.Poll(second));
        Assert.Equal(SeedtexStatus.InvalidHandle, UnityPlugin.Poll(thirdRequest));
        Assert.True(third.IsDestroyedForTests);
        Assert.Null(component.Result);
        Assert.Same(component.Shown, component.GetComponent<Renderer>().material.GetTexture("_MainTex"));

        UnityPlugin.FramesUntil(() => component.Result != null);
        Assert.NotEqual(IntPtr.Zero, component.Result!.ExternalPointerForTests);
        Assert.Empty(Debug.Messages);
        SeedtexRuntime.Shutdown();
    }
}
