using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Runtime;

namespace Seedtex.Cli;

/// <summary>
/// `seedtex bench`: times the pipeline stage by stage (tokenize, text encoder, every UNet call, VAE decode, PNG
/// encode) and reports the pipeline's own overhead: total minus the time spent inside ONNX Runtime.
/// </summary>
public static class BenchCommand
{
    /// <summary>A `seedtex bench PART` subcommand that fills a report and prints (and optionally records) it.</summary>
    private static Command Part(string name, string description, Func<ParseResult, BenchReport, CancellationToken, Task> measure)
    {
        var record = new Option<string?>("--record") { Description = "append the results, with machine and date, to this markdown file" };
        var command = new Command(name, description) { record };
        command.SetAction((parse, ct) => CliAction.RunAsync(async () =>
        {
            var report = new BenchReport(name);
            await measure(parse, report, ct).ConfigureAwait(false);
            await report.EmitAsync(parse.GetValue(record), ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    public static Command Create()
    {
        var size = new Option<int>("--size") { Description = "image size", DefaultValueFactory = _ => 512 };
        var steps = new Option<int>("--steps") { Description = "denoising steps", DefaultValueFactory = _ => 20 };
        var guidance = new Option<float>("--guidance") { Description = "guidance scale (> 1 runs the unconditional pass too)", DefaultValueFactory = _ => 7.5f };
        var scheduler = new Option<string>("--scheduler") { Description = "scheduler", DefaultValueFactory = _ => "euler" };
        var runs = new Option<int>("--runs") { Description = "timed runs after one warm-up run; the median run is reported", DefaultValueFactory = _ => 3 };
        var record = new Option<string?>("--record") { Description = "append the results, with machine and date, to this markdown file" };
        var model = new ModelOptions();
        var command = new Command("bench", "measure the pipeline's speed and overhead per stage; subcommands measure the other layers")
        {
            size, steps, guidance, scheduler, runs, record,
            Part("tokenizer", "CLIP tokenizer load and per-prompt time on the default model's tokenizer", (parse, report, ct) =>
            {
                var r = Diffusion.TokenizerBenchmark.Run(Path.Combine(DefaultModel.Resolve(null), "tokenizer"));
                report.Table([("load", $"{r.LoadMilliseconds:0.00} ms"), ("first prompt", $"{r.FirstPromptMicroseconds:0.0} us"), ($"prompt ({r.PromptTokens} tokens)", $"{r.PromptMicroseconds:0.0} us")], "operation", "median");
                return Task.CompletedTask;
            }),
            Part("schedulers", "noise generation and one step of each scheduler on a 1x4x128x128 latent", (parse, report, ct) =>
            {
                var results = Diffusion.Schedulers.NumericsBenchmark.Run(cancellationToken: ct);
                report.Table(results.Select(r => (r.Operation, $"{r.MillisecondsEach:0.000} ms")), "operation", $"each ({results[0].LatentLength} floats)");
                return Task.CompletedTask;
            }),
            Part("tiling", "one-time seamless rewrite (read, rewrite, write) of the default model's unet and vae graphs", (parse, report, ct) =>
            {
                var results = Diffusion.Tiling.TilingBenchmark.Run(DefaultModel.Resolve(null));
                report.Table(results.Select(r => ($"{r.Component} {r.Form} ({r.ConvsRewritten} convs)",
                    $"{r.ReadMilliseconds:0.0} + {r.RewriteMilliseconds:0.00} + {r.WriteMilliseconds:0.0} = {r.TotalMilliseconds:0.0} ms")), "graph", "read + rewrite + write (median)");
                return Task.CompletedTask;
            }),
            Part("seams", "seam ratio of the default model, untiled vs xy, over 24 prompts x 4 seeds (minutes)", async (parse, report, ct) =>
            {
                var results = await SeamBenchmark.RunAsync(DefaultModel.Resolve(null), new Diffusion.Onnx.SessionSettings(), cancellationToken: ct).ConfigureAwait(false);
                report.Table(results.Select(r => ($"{r.Tiling} ({r.Images} images)",
                    $"x {r.MeanX:0.000} (worst {r.WorstX:0.000}), y {r.MeanY:0.000} (worst {r.WorstY:0.000}); against 8 px block edges x {r.BlockEdgesX:0.000}, y {r.BlockEdgesY:0.000}")),
                    "tiling", "mean seam ratio (target <= 1.15 tiled)");
            }),
            Part("backdrop", "a 1024x512 backdrop against a plain 512x512 generation (default model), and the backdrops' seam figures", async (parse, report, ct) =>
            {
                var r = await BackdropBenchmark.RunAsync(DefaultModel.Resolve(null), cancellationToken: ct).ConfigureAwait(false);
                report.Table(
                [
                    ($"{r.SquareSize}x{r.SquareSize}, {r.Steps} steps", $"{r.SquareMilliseconds:0} ms (median of {r.Runs})"),
                    ($"{2 * r.SquareSize}x{r.SquareSize} backdrop", $"{r.BackdropMilliseconds:0} ms = {r.Ratio:0.00}x the square"),
                    ($"equirect x seam ({r.Backdrops} backdrops)", $"mean {r.SeamX:0.000}, worst {r.WorstSeamX:0.000} (target <= 1.15); against 8 px block edges only {r.SeamXAgainstBlockEdges:0.000}"),
                    ("cube face edges", $"mean {r.CubeEdges:0.000}, worst {r.WorstCubeEdges:0.000} (target <= 1.2)"),
                ], "measure", "result");
            }),
            Part("service", "single flight, cancellation latency and main-thread frame time of the runtime service (default model, 64x64)", async (parse, report, ct) =>
            {
                var r = await Runtime.ServiceBenchmark.RunAsync(DefaultModel.Resolve(null), cancellationToken: ct).ConfigureAwait(false);
                report.Table(
                [
                    ("inference threads", $"{Runtime.SeedtexOptions.DefaultInferenceThreads} of {Environment.ProcessorCount} cores (the service's default leaves the engine a core)"),
                    ("single flight", $"{r.Requests} requests over {r.DistinctKeys} keys: {r.Generations} generations"),
                    ("cancellation", $"caller released after {r.CancelMilliseconds:0.0} ms; generation stopped after {r.StopMilliseconds:0.0} ms = {r.StopInSteps:0.00} UNet steps ({r.StepMilliseconds:0.0} ms each)"),
                    ("frame time in Pump", $"max {r.WorstFrameMilliseconds:0.000} ms, p99 {r.P99FrameMilliseconds:0.000} ms over {r.Frames} frames (budget {r.FrameBudgetMilliseconds:0} ms)"),
                    ("frame time in Pump, GPU uploads", r.WithGpuUploads is { } g
                        ? $"max {g.WorstMilliseconds:0.000} ms, p99 {g.P99Milliseconds:0.000} ms over {g.Frames} frames, {g.Requests} requests of {g.Size}x{g.Size} with mips uploaded to {g.Device}"
                        : "no Vulkan device here"),
                ], "measure", "result");
            }),
            Part("gpu", "1024x1024 tensor to RGBA8 plus full mips on the Vulkan device, beside the CPU twin", (parse, report, ct) =>
            {
                report.Line("```");
                report.Line(Vulkan.GpuBenchmark.Run().ToString());
                report.Line("```");
                return Task.CompletedTask;
            }),
            Part("cache", "cache key and memory, disk and pack hits for a 1024x1024 RGBA8 texture with mips", (parse, report, ct) =>
            {
                string work = Directory.CreateTempSubdirectory("seedtex-bench-cache").FullName;
                report.Line("```");
                report.Line(Cache.CacheBenchmark.Run(work).ToString());
                report.Line("```");
                return Task.CompletedTask;
            }),
        };
        model.AddTo(command);
        command.SetAction((parse, ct) => CliAction.RunAsync(async () =>
        {
            int runCount = parse.GetValue(runs);
            if (runCount < 1)
                throw SeedtexException.Argument($"--runs {runCount} must be at least 1");
            using var models = await model.LoadAsync(parse, ct).ConfigureAwait(false);
            using var pipeline = new StableDiffusionPipeline(models);
            var request = pipeline.Resolve(new TextureRequest
            {
                Prompt = "weathered red bricks with moss",
                Seed = 42,
                Width = parse.GetValue(size),
                Height = parse.GetValue(size),
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance),
                Scheduler = parse.GetValue(scheduler)!,
            });

            var measured = new List<(PipelineTimings Timings, TimeSpan Png)>();
            for (int run = 0; run <= runCount; run++)
            {
                using var image = await pipeline.GenerateAsync(request, null, ct).ConfigureAwait(false);
                long t0 = Stopwatch.GetTimestamp();
                ImageOutput.EncodePng(image, models, image.ToRgba8());
                var png = Stopwatch.GetElapsedTime(t0);
                if (run > 0)
                    measured.Add((image.Timings, png));
            }
            var (timings, pngTime) = measured.OrderBy(m => m.Timings.Total).ElementAt(measured.Count / 2);

            var report = new BenchReport($"pipeline: {models.Name} ({models.Family}), {request.Width}x{request.Height}, {request.Steps} steps, {request.Scheduler}, guidance {request.Guidance.ToString(CultureInfo.InvariantCulture)}");
            report.Line($"provider {models.Provider}, {models.Threads} threads; median of {runCount} runs after a warm-up");
            report.Line("");
            var rows = timings.Stages.Select(s => (s.Stage, $"{BenchReport.Ms(s.Wall)} (onnx {BenchReport.Ms(s.InsideOnnx)})")).ToList();
            rows.Add(("to RGBA8 + PNG encode", BenchReport.Ms(pngTime)));
            var unetSteps = timings.Stages.Where(s => s.Stage.StartsWith("unet", StringComparison.Ordinal)).ToList();
            if (unetSteps.Count > 0)
                rows.Add(("unet step mean", BenchReport.Ms(TimeSpan.FromTicks((long)unetSteps.Average(s => s.Wall.Ticks)))));
            rows.Add(("pipeline total", BenchReport.Ms(timings.Total)));
            rows.Add(("inside ONNX Runtime", BenchReport.Ms(timings.InsideOnnx)));
            double overheadPercent = 100 * timings.Overhead.TotalMilliseconds / timings.Total.TotalMilliseconds;
            rows.Add(("pipeline overhead (total - onnx)", $"{BenchReport.Ms(timings.Overhead)} = {overheadPercent.ToString("0.00", CultureInfo.InvariantCulture)}% (target <= 2%)"));
            report.Table(rows, "stage", "wall time");
            await report.EmitAsync(parse.GetValue(record), ct).ConfigureAwait(false);
            return ExitCodes.Ok;
        }, ct));
        return command;
    }
}
