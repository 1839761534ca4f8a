using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

public class GpuBenchmarkTests
{
    [Fact]
    public void Benchmark_runs_both_paths_and_they_agree()
    {
        // Timings are reported by `seedtex bench`, never asserted; this checks the benchmark measures real work.
        var result = GpuBenchmark.Run(size: 64, runs: 3);
        Assert.True(result.Level0Identical);
        Assert.Equal(7, result.MipLevels);
        Assert.False(string.IsNullOrEmpty(result.Device));
    }
}
