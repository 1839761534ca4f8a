using System.CommandLine;
using System.Globalization;
using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;
using Seedtex.Runtime;

namespace Seedtex.Cli;

/// <summary>
/// `seedtex backdrop PROMPT --size 1024x512 -o sky.png [--cross sky-cross.png --face 256]`: a 2:1 equirectangular
/// 360-degree backdrop whose left and right edges meet, and optionally its cubemap laid out as a cross.
/// </summary>
public static class BackdropCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string>("prompt") { Description = "the sky, e.g. \"sunset over snowy mountains\"" };
        var negative = new Option<string>("--negative", "-n") { Description = "what to steer away from", DefaultValueFactory = _ => "" };
        var seed = new Option<long?>("--seed", "-s") { Description = "noise seed (default: random, printed)" };
        var size = new Option<string>("--size") { Description = "WIDTHxHEIGHT, 2:1, height a multiple of 16", DefaultValueFactory = _ => "1024x512" };
        var steps = new Option<int>("--steps") { Description = "denoising steps (default: the model's)" };
        var guidance = new Option<float?>("--guidance", "-g") { Description = "guidance scale (default: the model's)" };
        var scheduler = new Option<string>("--scheduler") { Description = "scheduler (default: the model's)", DefaultValueFactory = _ => "" };
        var output = new Option<string>("--output", "-o") { Description = "equirectangular PNG to write", DefaultValueFactory = _ => "backdrop.png" };
        var cross = new Option<string?>("--cross") { Description = "also write the cubemap as a horizontal-cross PNG" };
        var hdr = new Option<string?>("--hdr") { Description = "also write the backdrop as linear Radiance .hdr (for image-based lighting)" };
        var cubemap = new Option<string?>("--cubemap") { Description = "also write the cubemap (six faces with mips) as KTX2" };
        var face = new Option<int>("--face") { Description = "cube face size for --cubemap and --cross, a power of two", DefaultValueFactory = _ => 256 };
        var model = new ModelOptions();
        var command = new Command("backdrop", "generate a 360-degree equirectangular sky backdrop that wraps around") { prompt, negative, seed, size, steps, guidance, scheduler, output, hdr, cubemap, cross, face };
        model.AddTo(command);
        command.SetAction((parse, ct) => CliAction.RunAsync(async () =>
        {
            var (width, height) = ParseSize(parse.GetValue(size)!);
            int faceSize = parse.GetValue(face);
            EquirectToCube.CheckFaceSize(faceSize, "--face");
            string outputPath = Path.GetFullPath(parse.GetValue(output)!);
            string? crossPath = parse.GetValue(cross) is string c ? Path.GetFullPath(c) : null;
            string? cubemapPath = parse.GetValue(cubemap) is string k ? Path.GetFullPath(k) : null;
            string? hdrPath = parse.GetValue(hdr) is string hd ? Path.GetFullPath(hd) : null;
            foreach (string path in new[] { outputPath, crossPath, cubemapPath, hdrPath }.OfType<string>())
            {
                if (!Directory.Exists(Path.GetDirectoryName(path)))
                    throw new SeedtexException(SeedtexErrorKind.Io, $"output folder {Path.GetDirectoryName(path)} does not exist; create it first or choose another path");
            }

            using var models = await model.LoadAsync(parse, ct).ConfigureAwait(false);
            using var pipeline = new StableDiffusionPipeline(models);
            var request = pipeline.Resolve(new TextureRequest
            {
                Prompt = parse.GetValue(prompt)!,
                NegativePrompt = parse.GetValue(negative)!,
                Seed = parse.GetValue(seed) ?? Random.Shared.NextInt64(0, uint.MaxValue),
                Steps = parse.GetValue(steps),
                Guidance = parse.GetValue(guidance) ?? float.NaN,
                Scheduler = parse.GetValue(scheduler)!,
                Width = width,
                Height = height,
                Kind = PipelineKind.Backdrop,
            });
            using var image = await ConsoleProgress.RunAsync("backdrop", progress => pipeline.GenerateAsync(request, progress, ct)).ConfigureAwait(false);
            byte[] rgba = image.ToRgba8();
            await AtomicFile.WriteAsync(outputPath, ImageOutput.EncodePng(image, models, rgba), ct).ConfigureAwait(false);
            double seam = SeamMetric.Ratio(rgba, width, height, TileAxes.X);
            Console.WriteLine($"{outputPath} ({width}x{height}, seed {request.Seed}, x seam ratio {seam.ToString("0.000", CultureInfo.InvariantCulture)}, {image.Timings.Total.TotalSeconds:0.00}s)");

            if (hdrPath is not null)
            {
                // Linear light from the decoder's own values, before 8-bit rounding.
                var linear = image.ToTexture(PixelFormat.Rgba16Float, withMips: false).Pixels.Span;
                var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(linear);
                var rgb = new float[width * height * 3];
                for (int i = 0; i < width * height; i++)
                {
                    for (int channel = 0; channel < 3; channel++)
                        rgb[i * 3 + channel] = (float)halves[i * 4 + channel];
                }
                await RadianceHdrFile.WriteAsync(hdrPath, rgb, width, height, ct).ConfigureAwait(false);
                Console.WriteLine($"{hdrPath} (Radiance HDR, linear)");
            }
            if (crossPath is null && cubemapPath is null)
                return ExitCodes.Ok;
            var cube = EquirectToCube.Convert(new TextureData(PixelFormat.Rgba8Srgb, width, height, 1, 1, rgba), faceSize, withMips: true);
            Console.WriteLine($"cube face edges: seam ratio {CubeSeamMetric.Ratio(cube).ToString("0.000", CultureInfo.InvariantCulture)} (mean edge difference / mean interior neighbour difference)");
            if (cubemapPath is not null)
            {
                await Ktx2File.WriteAsync(cubemapPath, cube, ImageOutput.Version, ct).ConfigureAwait(false);
                Console.WriteLine($"{cubemapPath} (KTX2 cubemap, {faceSize}px faces, {cube.MipCount} levels)");
            }
            if (crossPath is not null)
            {
                var (crossPixels, crossWidth, crossHeight) = CubemapCross.Compose(cube);
                await PngFile.WriteAsync(crossPath, crossPixels, crossWidth, crossHeight, null, ct).ConfigureAwait(false);
                Console.WriteLine($"{crossPath} (cubemap cross, {faceSize}px faces)");
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    private static (int Width, int Height) ParseSize(string text)
    {
        string[] parts = text.ToLowerInvariant().Split('x');
        if (parts.Length == 2 && int.TryParse(parts[0], CultureInfo.InvariantCulture, out int w) && int.TryParse(parts[1], CultureInfo.InvariantCulture, out int h))
            return (w, h);
        throw SeedtexException.Argument($"--size '{text}' is not WIDTHxHEIGHT; use e.g. 1024x512");
    }
}
