using System.Reflection;
using System.Runtime.InteropServices;
using Seedtex.Native.Tests;
using Seedtex.Unity;
using Seedtex.Tests;

namespace Seedtex.Unity.Tests;

/// <summary>
/// Points the package's DllImport("seedtex") at the library in the package's own Plugins folder, as plugin/publish.sh
/// lays it out (ONNX Runtime and the default model beside it), and gives the shared runtime a fresh cache. No model
/// folder is named: the plugin must find the one the package ships. The package keeps process-wide state, so its
/// tests run one at a time.
/// </summary>
public sealed class UnityPlugin : IDisposable
{
    public static string PluginsFolder => RepoPaths.InRepo("plugin", "unity", "Plugins", "x86_64");

    private static readonly Lazy<bool> Resolver = new(() =>
    {
        _ = PublishedPlugin.Library;
        string library = Path.Combine(PluginsFolder, "libseedtex.so");
        NativeLibrary.SetDllImportResolver(typeof(SeedtexNative).Assembly,
            (name, _, _) => name == SeedtexNative.Library ? NativeLibrary.Load(library) : IntPtr.Zero);
        return true;
    });

    public UnityPlugin()
    {
        _ = Resolver.Value;
        Folder = Directory.CreateTempSubdirectory("seedtex-unity-").FullName;
        SeedtexRuntime.Shutdown();
        SeedtexRuntime.CacheFolder = Path.Combine(Folder, "cache");
        SeedtexRuntime.ModelFolder = null;
        UnityEngine.Application.streamingAssetsPath = Path.Combine(Folder, "StreamingAssets");
        UnityEngine.Debug.Messages.Clear();
    }

    public string Folder { get; }

    /// <summary>Runs frames (about 60 a second) until <paramref name="done"/>; fails after two minutes.</summary>
    public static int FramesUntil(Func<bool> done, Action? everyFrame = null)
    {
        var deadline = DateTime.UtcNow.AddMinutes(2);
        int frames = 0;
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "not done within two minutes; log: " + string.Join("; ", UnityEngine.Debug.Messages));
            UnityEngine.Lifecycle.Frame();
            everyFrame?.Invoke();
            frames++;
            Thread.Sleep(15);
        }
        return frames;
    }

    /// <summary>The plugin's CPU pixels for <paramref name="settings"/>, asked directly (a cache hit once the component made them).</summary>
    public static byte[] PluginPixels(PromptSettings settings, out SeedtexNative.Pixels shape)
    {
        using var request = SeedtexRuntime.Context.Request(settings);
        FramesUntil(() => request.Poll(out _) != SeedtexRequestState.Waiting, () => SeedtexRuntime.Deliver(4000));
        shape = request.Pixels();
        var bytes = new byte[shape.Size];
        Marshal.Copy(shape.Data, bytes, 0, bytes.Length);
        return bytes;
    }

    /// <summary>A PromptTexture on a wall with a renderer, asking with the settings <paramref name="configure"/> gives it.</summary>
    public static PromptTexture NewPromptTexture(Action<PromptSettings> configure)
    {
        var go = new UnityEngine.GameObject("wall");
        go.AddComponent<UnityEngine.MeshRenderer>();
        // AddComponent runs OnEnable, which requests at once: configure through a disabled component first.
        var component = go.AddComponent<PromptTexture>();
        component.enabled = false;
        configure(component.Settings);
        component.enabled = true;
        return component;
    }

    /// <summary>The request that keeps <paramref name="component"/>'s external result's VkImage (null for a CPU result).</summary>
    public static SeedtexRequest? ResultRequest<T>(PromptBehaviour<T> component) where T : UnityEngine.Texture => Field<T>(component, "_resultOwner");

    /// <summary>The request <paramref name="component"/> waits on, null when none.</summary>
    public static SeedtexRequest? OpenRequest<T>(PromptBehaviour<T> component) where T : UnityEngine.Texture => Field<T>(component, "_request");

    private static SeedtexRequest? Field<T>(PromptBehaviour<T> component, string name) where T : UnityEngine.Texture =>
        (SeedtexRequest?)typeof(PromptBehaviour<T>).GetField(name, BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(component);

    /// <summary>The plugin's word on a handle: Ok while it lives, InvalidHandle once released or its context freed.</summary>
    public static SeedtexStatus Poll(IntPtr request) => SeedtexNative.RequestPoll(request, out _, out _);

    public void Dispose()
    {
        // Components left by a test would otherwise go on answering the runtime's events in the next one.
        UnityEngine.Lifecycle.DestroyAllForTests();
        SeedtexRuntime.Shutdown();
        Directory.Delete(Folder, recursive: true);
    }
}

[CollectionDefinition(nameof(UnityPlugin), DisableParallelization = true)]
public sealed class UnityPluginCollection;
