using System.Text.Json;
using Seedtex.Imaging;
using Seedtex.Unity;
using Seedtex.Unity.Editor;
using UnityEditor;

namespace Seedtex.Unity.Tests;

[Collection(nameof(UnityPlugin))]
public sealed class EditorWindowTests : IDisposable
{
    private readonly UnityPlugin _plugin = new();

    public void Dispose() => _plugin.Dispose();

    [Fact]
    public void Four_variations_come_from_four_seeds_and_a_saved_one_is_a_png_with_its_parameters()
    {
        var window = EditorWindow.GetWindow<SeedtexWindow>("Seedtex");
        window.Settings.prompt = "blue ice";
        window.Settings.seed = 20;
        window.Settings.width = window.Settings.height = 64;
        window.Settings.steps = 3;
        window.SaveFolder = Path.Combine(_plugin.Folder, "Assets", "Seedtex");
        Assert.Throws<InvalidOperationException>(() => window.Save(0));

        window.GenerateVariations();
        UnityPlugin.FramesUntil(() => Enumerable.Range(0, SeedtexWindow.Variations).All(window.IsDone), EditorApplication.TickForTests);
        Assert.True(window.RepaintsForTests > 0);
        var first = window.Variation(0).GetRawTextureData();
        Assert.All(Enumerable.Range(1, 3), i => Assert.NotEqual(first, window.Variation(i).GetRawTextureData()));

        string path = window.Save(2);
        Assert.Equal(Path.Combine(window.SaveFolder, "blue-ice_22.png"), path);
        Assert.Contains(path, AssetDatabase.Imported);
        var png = PngFile.Read(path);
        var settings = window.Settings.Copy();
        settings.seed = 22;
        var pixels = UnityPlugin.PluginPixels(settings, out _);
        Assert.Equal((64, 64), (png.Width, png.Height));
        Assert.Equal(pixels.AsSpan(0, 64 * 64 * 4).ToArray(), png.Rgba);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.ChangeExtension(path, ".json")));
        Assert.Equal("blue ice", json.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(22, json.RootElement.GetProperty("seed").GetInt64());
        Assert.Equal(3, json.RootElement.GetProperty("steps").GetInt32());
        window.Close();
    }
}
