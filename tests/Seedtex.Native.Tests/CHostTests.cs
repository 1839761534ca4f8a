using Seedtex.Imaging;
using Seedtex.Tests;

namespace Seedtex.Native.Tests;

/// <summary>
/// samples/c-host, built with gcc and run against the NativeAOT publish output: a C program that creates its own
/// Vulkan device on lavapipe with the validation layer on, hands it to the plugin, requests a tileable texture and a
/// backdrop cubemap, pumps frames until both are done, reads the VkImages back and writes PNGs.
/// </summary>
public class CHostTests
{
    [Fact]
    public void A_c_engine_gets_vk_images_on_its_own_device_and_the_validation_layer_stays_silent()
    {
        string plugin = PublishedPlugin.Library;
        string work = Directory.CreateTempSubdirectory("seedtex-c-host").FullName;
        try
        {
            string program = PublishedPlugin.CompileC(RepoPaths.InRepo("samples", "c-host", "c_host.c"), work, "-lvulkan", "-ldl");

            string cache = Directory.CreateDirectory(Path.Combine(work, "cache")).FullName;
            string output = Directory.CreateDirectory(Path.Combine(work, "out")).FullName;
            // No model argument: the plugin must find the default model published beside it.
            Assert.True(File.Exists(Path.Combine(Path.GetDirectoryName(plugin)!, "models", "seedtex-tiny", "model_index.json")));
            var run = PublishedPlugin.Run(program, [plugin, cache, output], TimeSpan.FromMinutes(5), workingDirectory: work);
            Assert.True(run.ExitCode == 0, run.Output);
            Assert.Contains("ALL OK: 0 failed", run.Output, StringComparison.Ordinal);
            Assert.Contains("validation messages: 0", run.Output, StringComparison.Ordinal);
            Assert.Equal(2, run.Output.Split('\n').Count(l => l.StartsWith("ok   GPU image equals the plugin's CPU pixels byte for byte", StringComparison.Ordinal)));
            Assert.DoesNotContain("FAIL", run.Output, StringComparison.Ordinal);

            var texture = PngFile.Read(Path.Combine(output, "texture.png"));
            Assert.Equal((256, 256), (texture.Width, texture.Height));
            var sky = PngFile.Read(Path.Combine(output, "sky_faces.png"));
            Assert.Equal((6 * 128, 128), (sky.Width, sky.Height));
            Assert.True(Spread(texture.Rgba) > 20, "the texture is flat");
            Assert.True(Spread(sky.Rgba) > 20, "the cubemap faces are flat");
        }
        finally
        {
            Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>Range of the red channel: a generated image is never one colour.</summary>
    private static int Spread(byte[] rgba)
    {
        int min = 255, max = 0;
        for (int i = 0; i < rgba.Length; i += 4)
        {
            min = Math.Min(min, rgba[i]);
            max = Math.Max(max, rgba[i]);
        }
        return max - min;
    }
}
