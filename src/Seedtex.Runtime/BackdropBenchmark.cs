using System.Diagnostics;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;

namespace Seedtex.Runtime;

/// <summary>What <see cref="BackdropBenchmark.RunAsync"/> measured: times (median) and the seam figures of the backdrops.</summary>
/// <param name="SquareMilliseconds">A plain square generation of <paramref name="SquareSize"/>.</param>
/// <param name="BackdropMilliseconds">A 2:1 backdrop twice as wide (wrapping windows + wrapped decode).</param>
/// <param name="SeamX">Mean left/right seam ratio of the equirectangular backdrops (target &lt;= 1.15).</param>
/// <param name="SeamXAgainstBlockEdges">The same seam against the decoder's 8-pixel block edges only (see <see cref="SeamMetric.RatioAgainstBlockEdges"/>).</param>
/// <param name="CubeEdges">Mean cube face-edge ratio of their cubemaps (target &lt;= 1.2).</param>
public sealed record BackdropBenchResult(int SquareSize, int Steps, int Runs, double SquareMilliseconds, double BackdropMilliseconds,
    int Backdrops, double SeamX, double WorstSeamX, double SeamXAgainstBlockEdges, double CubeEdges, double WorstCubeEdges)
{
    public double Ratio => BackdropMilliseconds / SquareMilliseconds;
}

/// <summary>
/// The backdrop figure for `seedtex bench backdrop`: a 2W x W panorama against a plain W x W generation with the same
/// model and steps, and how well the panoramas close their seam, flat and as cubemaps.
/// </summary>
public static class BackdropBenchmark
{
    /// <summary>Sky prompts of the kinds a game asks for.</summary>
    public static IReadOnlyList<string> Prompts { get; } =
        ["sunset sky over mountains", "starry night sky", "clear blue sky with mountains", "stormy sky", "overcast sky over mountains"];

    public static async Task<BackdropBenchResult> RunAsync(string modelFolder, int squareSize = 512, int runs = 3, int seeds = 2, int faceSize = 256,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        using var model = await Task.Run(() => ModelSet.Load(modelFolder, new SessionSettings()), cancellationToken).ConfigureAwait(false);
        using var pipeline = new StableDiffusionPipeline(model);
        var square = new TextureRequest { Prompt = Prompts[0], Seed = 1, Width = squareSize, Height = squareSize };
        var backdrop = square with { Width = 2 * squareSize, Kind = PipelineKind.Backdrop };
        int steps = pipeline.Resolve(square).Steps;

        async Task<double> MedianMilliseconds(TextureRequest request)
        {
            using (await pipeline.GenerateAsync(request, null, cancellationToken).ConfigureAwait(false))
            {
                // warm-up
            }
            var times = new List<double>();
            for (int i = 0; i < runs; i++)
            {
                long start = Stopwatch.GetTimestamp();
                using (await pipeline.GenerateAsync(request with { Seed = 100 + i }, null, cancellationToken).ConfigureAwait(false))
                    times.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
            }
            times.Sort();
            return times[times.Count / 2];
        }

        double squareMs = await MedianMilliseconds(square).ConfigureAwait(false);
        double backdropMs = await MedianMilliseconds(backdrop).ConfigureAwait(false);

        var seams = new List<double>();
        var againstBlocks = new List<double>();
        var edges = new List<double>();
        foreach (string prompt in Prompts)
        {
            for (long seed = 1; seed <= seeds; seed++)
            {
                using var image = await pipeline.GenerateAsync(backdrop with { Prompt = prompt, Seed = seed }, null, cancellationToken).ConfigureAwait(false);
                byte[] rgba = image.ToRgba8();
                seams.Add(SeamMetric.Ratio(rgba, image.Width, image.Height, TileAxes.X));
                againstBlocks.Add(SeamMetric.RatioAgainstBlockEdges(rgba, image.Width, image.Height, TileAxes.X));
                var panorama = new TextureData(PixelFormat.Rgba8Srgb, image.Width, image.Height, 1, 1, rgba);
                edges.Add(CubeSeamMetric.Ratio(EquirectToCube.Convert(panorama, faceSize, withMips: false)));
            }
        }
        return new BackdropBenchResult(squareSize, steps, runs, squareMs, backdropMs, seams.Count, seams.Average(), seams.Max(), againstBlocks.Average(), edges.Average(), edges.Max());
    }
}
