using System.Diagnostics;
using Seedtex.Tests;
using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

public class ShaderBuildTests
{
    [Fact]
    public void Committed_spirv_matches_a_fresh_compile_of_every_source()
    {
        string shaders = RepoPaths.InRepo("shaders");
        string fresh = Directory.CreateTempSubdirectory("seedtex-spv-").FullName;
        try
        {
            var build = Process.Start(new ProcessStartInfo("bash", [Path.Combine(shaders, "build.sh"), fresh]) { RedirectStandardError = true, RedirectStandardOutput = true })!;
            string errors = build.StandardError.ReadToEnd() + build.StandardOutput.ReadToEnd();
            build.WaitForExit();
            Assert.True(build.ExitCode == 0, $"shaders/build.sh failed (is glslangValidator installed?): {errors}");

            var built = Directory.GetFiles(fresh, "*.spv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            var committed = Directory.GetFiles(shaders, "*.spv").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
            Assert.NotEmpty(built);
            Assert.Equal(built, committed);
            foreach (var name in built)
            {
                Assert.True(File.ReadAllBytes(Path.Combine(fresh, name!)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(shaders, name!))),
                    $"shaders/{name} is stale: run shaders/build.sh and commit the result");
            }
        }
        finally
        {
            Directory.Delete(fresh, recursive: true);
        }
    }

    [Fact]
    public void Every_committed_compute_spirv_is_embedded_unchanged()
    {
        var committed = Directory.GetFiles(RepoPaths.InRepo("shaders"), "*.spv")
            .Where(p => !p.EndsWith("_vert.spv", StringComparison.Ordinal) && !p.EndsWith("_frag.spv", StringComparison.Ordinal)).ToArray();
        Assert.Equal(7, committed.Length);
        Assert.Equal(committed.Select(Path.GetFileName).Order(StringComparer.Ordinal), ShaderLibrary.Names);
        foreach (var path in committed)
            Assert.Equal(File.ReadAllBytes(path), ShaderLibrary.Load(Path.GetFileName(path)));
    }
}
