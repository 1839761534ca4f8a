using Seedtex.Unity;
using Seedtex.Unity.Editor;
using UnityEditor;
using UnityEngine;

namespace Seedtex.Unity.Tests;

/// <summary>
/// The native plugin outlives script reloads and play sessions; the package frees its context before a reload and on
/// quit, seen through the C ABI (the old handles turn invalid), and components survive it.
/// </summary>
[Collection(nameof(UnityPlugin))]
public sealed class ContextLifetimeTests : IDisposable
{
    private readonly UnityPlugin _plugin = new();

    public void Dispose() => _plugin.Dispose();

    // Long enough that it is still generating when the context goes.
    private static PromptTexture Generating() => UnityPlugin.NewPromptTexture(s =>
    {
        s.prompt = "green moss";
        s.seed = 5;
        s.width = s.height = 256;
        s.steps = 500;
    });

    [Fact]
    public void A_script_reload_frees_the_context_and_its_open_request_and_the_component_asks_the_new_one()
    {
        EditorApplication.LoadScriptsForTests(typeof(SeedtexWindow).Assembly);
        var component = Generating();
        IntPtr oldContext = SeedtexRuntime.Context.NativeHandle;
        IntPtr oldRequest = UnityPlugin.OpenRequest(component)!.NativeHandle;
        Assert.Equal(SeedtexStatus.Ok, UnityPlugin.Poll(oldRequest));

        component.Settings.steps = 2;
        AssemblyReloadEvents.ReloadForTests();
        Assert.Equal(SeedtexStatus.InvalidHandle, SeedtexNative.Pump(oldContext, 0, out _));
        Assert.Equal(SeedtexStatus.InvalidHandle, UnityPlugin.Poll(oldRequest));

        // OnEnable after the reload asked a new context.
        Assert.True(component.IsGenerating);
        Assert.NotEqual(oldContext, SeedtexRuntime.Context.NativeHandle);
        UnityPlugin.FramesUntil(() => component.Result != null);
        Assert.Empty(Debug.Messages);
    }

    [Fact]
    public void Quitting_frees_the_context_and_the_components_go_without_touching_it()
    {
        var component = Generating();
        IntPtr oldContext = SeedtexRuntime.Context.NativeHandle;
        IntPtr oldRequest = UnityPlugin.OpenRequest(component)!.NativeHandle;
        UnityPlugin.FramesUntil(() => Time.frameCount % 3 == 0);

        Application.QuitForTests();
        Assert.Equal(SeedtexStatus.InvalidHandle, SeedtexNative.Pump(oldContext, 0, out _));
        Assert.Equal(SeedtexStatus.InvalidHandle, UnityPlugin.Poll(oldRequest));
        Assert.True(component.IsDestroyedForTests);
        Assert.False(component.IsGenerating);
        Assert.Empty(Debug.Messages);
    }

    [Fact]
    public void A_component_whose_context_was_freed_shows_its_placeholder_and_asks_again_on_its_next_update()
    {
        var component = Generating();
        IntPtr oldContext = SeedtexRuntime.Context.NativeHandle;
        var material = component.GetComponent<Renderer>().material;

        SeedtexRuntime.Shutdown();
        Assert.False(component.IsGenerating);
        Assert.Null(component.Result);
        Assert.Same(component.Shown, material.GetTexture("_MainTex"));

        component.Settings.steps = 2;
        UnityPlugin.FramesUntil(() => component.Result != null);
        Assert.Same(component.Result, material.GetTexture("_MainTex"));
        Assert.NotEqual(oldContext, SeedtexRuntime.Context.NativeHandle);
        Assert.Empty(Debug.Messages);
    }

    [Fact]
    public void The_editor_window_asks_again_for_the_variations_whose_context_was_freed()
    {
        var window = EditorWindow.GetWindow<SeedtexWindow>("Seedtex");
        window.Settings.prompt = "blue ice";
        window.Settings.width = window.Settings.height = 64;
        window.Settings.steps = 2;
        window.GenerateVariations();
        SeedtexRuntime.Shutdown();

        UnityPlugin.FramesUntil(() => Enumerable.Range(0, SeedtexWindow.Variations).All(window.IsDone), EditorApplication.TickForTests);
        Assert.Empty(Debug.Messages);
        window.Close();
    }
}
