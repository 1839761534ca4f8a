using Seedtex.Tests;

namespace Seedtex.Native.Tests;

/// <summary>
/// The published NativeAOT plugin driven from C, as an engine would: gcc builds tests/Seedtex.Native.Tests/c/abi_test.c,
/// and the program loads the plugin with dlopen from another folder, generates on the sd15 test model and tries
/// every kind of bad input.
/// </summary>
public class NativeAbiTests
{
    [Fact]
    public void C_host_generates_through_the_abi_and_every_bad_input_gets_a_status_and_a_message()
    {
        string plugin = PublishedPlugin.Library;
        Assert.True(new FileInfo(plugin).Length > 100_000);
        Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(plugin)!, "libonnxruntime.so")));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(plugin)!, "*.dll"));

        string work = Directory.CreateTempSubdirectory("seedtex-native").FullName;
        string program = PublishedPlugin.CompileC(Path.Combine(AppContext.BaseDirectory, "c", "abi_test.c"), work, "-ldl", "-lm");

        string cache = Directory.CreateDirectory(Path.Combine(work, "cache")).FullName;
        // Run from an unrelated folder: the plugin must find ONNX Runtime beside itself, not beside the host.
        var result = PublishedPlugin.Run(program, [plugin, RepoPaths.InRepo("tests", "models", "sd15"), cache], TimeSpan.FromMinutes(5), workingDirectory: work);
        Assert.True(result.ExitCode == 0, result.Output);
        Assert.Contains("ALL OK: 0 failed", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("FAIL", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok   second request is a cache hit", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok   double release is an invalid handle", result.Output, StringComparison.Ordinal);
        Assert.Contains("ok   DirectX normal map: red and blue as OpenGL's, green mirrored", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Inside_unity_on_vulkan_the_plugin_takes_unitys_device_and_delivers_on_the_render_event()
    {
        string plugin = PublishedPlugin.Library;
        string work = Directory.CreateTempSubdirectory("seedtex-unity-vulkan").FullName;
        try
        {
            string program = PublishedPlugin.CompileC(Path.Combine(AppContext.BaseDirectory, "c", "unity_vulkan_test.c"), work, "-lvulkan", "-ldl", "-lm");
            string cache = Directory.CreateDirectory(Path.Combine(work, "cache")).FullName;
            var result = PublishedPlugin.Run(program, [plugin, RepoPaths.InRepo("plugin", "models", "seedtex-tiny"), cache], TimeSpan.FromMinutes(5), workingDirectory: work);
            Assert.True(result.ExitCode == 0, result.Output);
            Assert.Contains("ALL OK: 0 failed", result.Output, StringComparison.Ordinal);
            Assert.Contains("ok   Unity's device holds the same pixels", result.Output, StringComparison.Ordinal);
            Assert.Contains("validation messages: 0", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }
}
