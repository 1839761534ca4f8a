using System.Text.Json;
using Seedtex.Native.Tests;
using Seedtex.Tests;

namespace Seedtex.Unity.Tests;

public class PackageLayoutTests
{
    [Fact]
    public void The_package_ships_the_plugin_onnx_runtime_and_the_default_model_in_unitys_plugins_layout()
    {
        _ = PublishedPlugin.Library;
        string plugins = UnityPlugin.PluginsFolder;
        Assert.True(new FileInfo(Path.Combine(plugins, "libseedtex.so")).Length > 1_000_000);
        Assert.True(File.Exists(Path.Combine(plugins, "libonnxruntime.so")));
        Assert.True(File.Exists(Path.Combine(plugins, "models", "seedtex-tiny", "model_index.json")));
        // Only this platform's native libraries.
        Assert.Empty(Directory.GetFiles(plugins, "*.dll"));
        Assert.Empty(Directory.GetFiles(plugins, "*.dylib"));

        using var package = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("plugin", "unity", "package.json")));
        Assert.Equal("com.seedtex.plugin", package.RootElement.GetProperty("name").GetString());
        foreach (string asmdef in new[] { "Runtime/Seedtex.Unity.asmdef", "Editor/Seedtex.Unity.Editor.asmdef" })
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("plugin", "unity", asmdef)));
            Assert.StartsWith("Seedtex.Unity", doc.RootElement.GetProperty("name").GetString(), StringComparison.Ordinal);
        }
    }
}
