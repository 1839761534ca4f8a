using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Runtime.Tests;

public class BackdropBenchmarkTests
{
    [Fact]
    public async Task Runs_a_square_and_every_backdrop_and_measures_every_backdrops_seams()
    {
        var r = await BackdropBenchmark.RunAsync(RepoPaths.InRepo("plugin", "models", "seedtex-tiny"), squareSize: 64, runs: 1, seeds: 1, faceSize: 16);
        Assert.Equal((64, 1, BackdropBenchmark.Prompts.Count), (r.SquareSize, r.Runs, r.Backdrops));
        Assert.True(r.SquareMilliseconds > 0 && r.BackdropMilliseconds > 0);
        Assert.True(r.WorstSeamX >= r.SeamX && r.WorstCubeEdges >= r.CubeEdges);
        // The wrap is exact: against the decoder's own block edges the seam is an ordinary block edge.
        Assert.InRange(r.SeamXAgainstBlockEdges, 0.5, 1.5);
    }
}
