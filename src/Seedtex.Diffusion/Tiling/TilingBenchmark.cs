using System.Diagnostics;
using Seedtex.Core;

namespace Seedtex.Diffusion.Tiling;

/// <summary>What <see cref="TilingBenchmark.Run"/> measured for one component and pad form (medians).</summary>
/// <param name="ReadMilliseconds">Parsing model.onnx (external weights are not read).</param>
/// <param name="RewriteMilliseconds">The graph rewrite itself.</param>
/// <param name="WriteMilliseconds">Serialising the rewritten graph to disk and flushing it.</param>
/// <param name="GraphBytes">Size of the rewritten model.onnx.</param>
public sealed record TilingBenchmarkResult(string Component, PadForm Form, int ConvsRewritten,
    double ReadMilliseconds, double RewriteMilliseconds, double WriteMilliseconds, long GraphBytes)
{
    public double TotalMilliseconds => ReadMilliseconds + RewriteMilliseconds + WriteMilliseconds;
}

/// <summary>Times the one-time seamless rewrite of each component of a model folder, for <c>seedtex bench</c>.</summary>
public static class TilingBenchmark
{
    public static IReadOnlyList<TilingBenchmarkResult> Run(string modelFolder, int runs = 3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        string scratch = Directory.CreateTempSubdirectory("seedtex-tiling-bench-").FullName;
        try
        {
            var results = new List<TilingBenchmarkResult>();
            foreach (string component in SeamlessVariants.Components)
            {
                string graph = Path.Combine(modelFolder, component, "model.onnx");
                if (!File.Exists(graph))
                    continue;
                foreach (var form in Enum.GetValues<PadForm>())
                {
                    if (form == PadForm.WrapPad && WrapPadOpset.Obstacle(OnnxModelFile.Load(graph)) is not null)
                        continue;
                    results.Add(Measure(graph, component, form, runs, Path.Combine(scratch, "model.onnx")));
                }
            }
            return results;
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    private static TilingBenchmarkResult Measure(string graph, string component, PadForm form, int runs, string output)
    {
        var read = new double[runs];
        var rewrite = new double[runs];
        var write = new double[runs];
        int convs = 0;
        long bytes = 0;
        for (int run = 0; run < runs; run++)
        {
            long t0 = Stopwatch.GetTimestamp();
            var model = OnnxModelFile.Load(graph);
            long t1 = Stopwatch.GetTimestamp();
            convs = GraphRewriter.MakeSeamless(model, TileAxes.XY, form, component);
            long t2 = Stopwatch.GetTimestamp();
            File.Delete(output);
            OnnxModelFile.Save(model, output);
            long t3 = Stopwatch.GetTimestamp();
            read[run] = Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
            rewrite[run] = Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
            write[run] = Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds;
            bytes = new FileInfo(output).Length;
        }
        return new TilingBenchmarkResult(component, form, convs, Median(read), Median(rewrite), Median(write), bytes);
    }

    private static double Median(double[] values)
    {
        Array.Sort(values);
        return values[values.Length / 2];
    }
}
