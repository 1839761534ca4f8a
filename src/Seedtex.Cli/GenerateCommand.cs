using System.CommandLine;
using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;
using Seedtex.Runtime;

namespace Seedtex.Cli;

/// <summary>`seedtex generate PROMPT`: one texture from a prompt (or from an init image with --init) into a PNG.</summary>
public static class GenerateCommand
{
    public static Command Create()
    {
        var prompt = new Argument<string>("prompt") { Description = "what to generate, e.g. \"weathered red bricks\"" };
        var negative = new Option<string>("--negative", "-n") { Description = "what to steer away from", DefaultValueFactory = _ => "" };
        var seed = new Option<long?>("--seed", "-s") { Description = "noise seed; same seed, same picture (default: random, printed)" };
        var steps = new Option<int>("--steps") { Description = "denoising steps (default: the model's)" };
        var guidance = new Option<float?>("--guidance", "-g") { Description = "classifier-free guidance scale; 1 or less turns it off (default: the model's)" };
        var scheduler = new Option<string>("--scheduler") { Description = "euler, euler-a, ddim, dpm++2m-karras, lcm (default: the model's)", DefaultValueFactory = _ => "" };
        var size = new Option<int?>("--size") { Description = "width and height in pixels, a multiple of 8 from 64 to 4096 (default: the model's)" };
        var width = new Option<int?>("--width") { Description = "width in pixels (overrides --size)" };
        var height = new Option<int?>("--height") { Description = "height in pixels (overrides --size)" };
        var init = new Option<string?>("--init") { Description = "init image for img2img (PNG, JPEG, BMP, TGA); its size is the default size" };
        var strength = new Option<float>("--strength") { Description = "img2img strength in (0, 1]: how far from the init image to go", DefaultValueFactory = _ => 0.75f };
        var tile = new Option<string>("--tile") { Description = "seamless tiling: xy (both axes), x, y or none", DefaultValueFactory = _ => "none" };
        tile.AcceptOnlyFromAmong("none", "x", "y", "xy");
        var output = new Option<string>("--output", "-o") { Description = "PNG to write", DefaultValueFactory = _ => "seedtex.png" };
        var model = new ModelOptions();

        var command = new Command("generate", "generate a texture from a prompt and write it as a PNG with its parameters embedded")
        {
            prompt, negative, seed, steps, guidance, scheduler, size, width, height, init, strength, tile, output,
        };
        model.AddTo(command);
        var maps = new MapOutputs();
        maps.AddTo(command);
        command.SetAction((parse, ct) => CliAction.RunAsync(async () =>
        {
            string outputPath = Path.GetFullPath(parse.GetValue(output)!);
            RequireFolder(outputPath);
            var requestedMaps = maps.Requested(parse);
            DecodedImage? initImage = parse.GetValue(init) is string initPath ? PngFile.Read(initPath) : null;

            var tiling = Enum.Parse<TileAxes>(parse.GetValue(tile)!, ignoreCase: true);
            using var models = await model.LoadAsync(parse, ct, tiling: tiling).ConfigureAwait(false);
            using var pipeline = new StableDiffusionPipeline(models);
            int defaultSize = parse.GetValue(size) ?? models.Defaults.Size;
            var request = new TextureRequest
            {
                Prompt = parse.GetValue(prompt)!,
                NegativePrompt = parse.GetValue(negative)!,
                Seed = parse.GetValue(seed) ?? Random.Shared.NextInt64(0, uint.MaxValue),
                Steps = parse.GetValue(steps),
                Guidance = ExplicitGuidance(parse.GetValue(guidance)),
                Scheduler = parse.GetValue(scheduler)!,
                Width = parse.GetValue(width) ?? initImage?.Width ?? defaultSize,
                Height = parse.GetValue(height) ?? initImage?.Height ?? defaultSize,
                Kind = initImage is null ? PipelineKind.TextToImage : PipelineKind.ImageToImage,
                InitImage = initImage?.Rgba,
                Strength = parse.GetValue(strength),
                Tiling = tiling,
            };
            if (initImage is not null && (initImage.Width != request.Width || initImage.Height != request.Height))
                throw SeedtexException.Argument($"init image is {initImage.Width}x{initImage.Height} but the requested size is {request.Width}x{request.Height}; resize the image or drop --size/--width/--height");
            request = pipeline.Resolve(request);

            using var image = await ConsoleProgress.RunAsync("generating", progress => pipeline.GenerateAsync(request, progress, ct)).ConfigureAwait(false);
            if (image.PromptTruncated)
                await Console.Error.WriteLineAsync("warning: the prompt is longer than the model's 77-token window and was truncated").ConfigureAwait(false);
            byte[] rgba = image.ToRgba8();
            await AtomicFile.WriteAsync(outputPath, ImageOutput.EncodePng(image, models, rgba), ct).ConfigureAwait(false);
            Console.WriteLine($"{outputPath} ({image.Width}x{image.Height}, seed {request.Seed}, {request.Steps} steps, {request.Scheduler}, guidance {request.Guidance}, {image.Timings.Total.TotalSeconds:0.00}s)");
            if (requestedMaps != Imaging.MapKind.None)
            {
                var albedo = new TextureData(PixelFormat.Rgba8Srgb, image.Width, image.Height, 1, 1, rgba);
                foreach (string path in await maps.WriteAsync(parse, outputPath, albedo, request.Tiling, ct).ConfigureAwait(false))
                    Console.WriteLine(path);
            }
            return ExitCodes.Ok;
        }, ct));
        return command;
    }

    /// <summary>Leaving --guidance out means the model's default (NaN in a request); typing NaN is a mistake.</summary>
    private static float ExplicitGuidance(float? value) => value switch
    {
        null => float.NaN,
        float v when !float.IsFinite(v) => throw SeedtexException.Argument($"guidance {v.ToString(System.Globalization.CultureInfo.InvariantCulture)} is invalid; use a finite number >= 0 (1 or less turns guidance off)"),
        float v => v,
    };

    private static void RequireFolder(string outputPath)
    {
        string folder = Path.GetDirectoryName(outputPath)!;
        if (!Directory.Exists(folder))
            throw new SeedtexException(SeedtexErrorKind.Io, $"output folder {folder} does not exist; create it first or choose another --output");
    }
}
