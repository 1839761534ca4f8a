using System.Diagnostics;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;
using Seedtex.Runtime;

namespace Seedtex.Cli.Tests;

public class GenerateCommandTests
{
    private static string TempDir() => Directory.CreateTempSubdirectory("seedtex-cli").FullName;

    [Fact]
    public async Task Writes_a_png_with_parameters_and_the_pipelines_pixels()
    {
        string dir = TempDir();
        string output = Path.Combine(dir, "bricks.png");
        var result = await SeedtexProcess.RunAsync("generate", "weathered red bricks", "--seed", "5", "--steps", "3", "--guidance", "5",
            "--scheduler", "euler-a", "--size", "64", "--model", SeedtexProcess.Model("sd15"), "--threads", "2", "-o", output);
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("seed 5", result.StdOut, StringComparison.Ordinal);

        var png = PngFile.Read(output);
        Assert.Equal((64, 64), (png.Width, png.Height));
        Assert.StartsWith("weathered red bricks\nSteps: 3, Sampler: Euler a, CFG scale: 5, Seed: 5, Size: 64x64, Model hash: ", png.Text["parameters"], StringComparison.Ordinal);

        // The same request through the library gives the same pixels.
        using var model = ModelSet.Load(SeedtexProcess.Model("sd15"), new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 });
        using var pipeline = new StableDiffusionPipeline(model);
        using var image = await pipeline.GenerateAsync(new TextureRequest { Prompt = "weathered red bricks", Seed = 5, Steps = 3, Guidance = 5, Scheduler = "euler-a", Width = 64, Height = 64 });
        Assert.Equal(image.ToRgba8(), png.Rgba);
        Assert.Equal(["bricks.png"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Maps_are_written_next_to_the_albedo_and_an_unknown_map_is_bad_input()
    {
        string dir = TempDir();
        string output = Path.Combine(dir, "stone.png");
        var result = await SeedtexProcess.RunAsync("generate", "grey stone", "--seed", "2", "--steps", "2", "--size", "64", "--tile", "xy",
            "--model", SeedtexProcess.Model("sd15"), "-o", output, "--maps", "normal,height,roughness,ao", "--normal-convention", "DirectX");
        Assert.True(result.ExitCode == 0, result.StdErr);
        foreach (string map in new[] { "normal", "height", "roughness", "ao" })
        {
            var png = PngFile.Read(Path.Combine(dir, $"stone_{map}.png"));
            Assert.Equal((64, 64), (png.Width, png.Height));
        }

        var asKtx2 = await SeedtexProcess.RunAsync("generate", "grey stone", "--seed", "2", "--steps", "2", "--size", "64", "--tile", "xy",
            "--model", SeedtexProcess.Model("sd15"), "-o", Path.Combine(dir, "k.png"), "--maps", "roughness", "--map-format", "ktx2");
        Assert.True(asKtx2.ExitCode == 0, asKtx2.StdErr);
        var roughness = Ktx2File.Decode(await File.ReadAllBytesAsync(Path.Combine(dir, "k_roughness.ktx2")));
        Assert.Equal((Core.PixelFormat.Rgba8Unorm, 64, 7), (roughness.Format, roughness.Width, roughness.MipCount));

        var bad = await SeedtexProcess.RunAsync("generate", "x", "--steps", "1", "--size", "64", "--model", SeedtexProcess.Model("sd15"),
            "-o", Path.Combine(dir, "bad.png"), "--maps", "normal,gloss");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("unknown map 'gloss'", bad.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(dir, "bad.png")));
    }

    [Fact]
    public async Task Img2img_from_an_init_image_takes_its_size()
    {
        string dir = TempDir();
        var rgba = new byte[96 * 64 * 4];
        for (int i = 0; i < rgba.Length; i++)
            rgba[i] = (byte)(i % 4 == 3 ? 255 : i * 7);
        string init = Path.Combine(dir, "init.png");
        await PngFile.WriteAsync(init, rgba, 96, 64);
        string output = Path.Combine(dir, "out.png");
        var result = await SeedtexProcess.RunAsync("generate", "grey stone", "--seed", "1", "--steps", "4", "--strength", "0.5",
            "--init", init, "--model", SeedtexProcess.Model("sd15"), "-o", output);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var png = PngFile.Read(output);
        Assert.Equal((96, 64), (png.Width, png.Height));
        Assert.Contains("Denoising strength: 0.5", png.Text["parameters"], StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--size", "100"], "width 100 is not a multiple of 8" },
        { ["--size", "32"], "width 32 is out of range; use 64 to 4096" },
        { ["--size", "4104"], "out of range" },
        { ["--steps", "1001"], "steps 1001 is out of range" },
        { ["--guidance", "NaN"], "guidance NaN is invalid" },
        { ["--guidance", "-2"], "guidance -2 is invalid" },
        { ["--scheduler", "heun"], "unknown scheduler 'heun'; use one of: euler" },
        { ["--init", "/nonexistent/init.png"], "cannot read image /nonexistent/init.png" },
        { ["--init", "INIT", "--strength", "0"], "strength 0 is out of range" },
        { ["--init", "INIT", "--strength", "1.5"], "strength 1.5 is out of range" },
        { ["--model", "/nonexistent/model"], "model folder /nonexistent/model does not exist" },
        { ["-o", "/nonexistent/folder/out.png"], "output folder /nonexistent/folder does not exist" },
        { ["--provider", "vulkan"], "unknown execution provider 'vulkan'" },
        { ["--steps", "many"], "many" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public async Task Bad_input_exits_2_with_a_message_and_writes_nothing(string[] extra, string message)
    {
        string dir = TempDir();
        string init = Path.Combine(dir, "init.png");
        await PngFile.WriteAsync(init, new byte[64 * 64 * 4], 64, 64);
        // Each case overrides one of the valid defaults below.
        var options = new Dictionary<string, string> { ["--steps"] = "2", ["--size"] = "64", ["--model"] = SeedtexProcess.Model("sd15"), ["-o"] = Path.Combine(dir, "out.png") };
        for (int i = 0; i < extra.Length; i += 2)
            options[extra[i]] = extra[i + 1] == "INIT" ? init : extra[i + 1];
        var args = new List<string> { "generate", "bricks" };
        foreach (var (name, value) in options)
            args.AddRange([name, value]);
        var result = await SeedtexProcess.RunAsync(args, null);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.Equal(["init.png"], Directory.GetFiles(dir).Select(Path.GetFileName));
    }

    [Fact]
    public async Task Broken_model_folder_names_the_missing_file()
    {
        string model = Directory.CreateTempSubdirectory("seedtex-broken-model").FullName;
        foreach (string file in Directory.EnumerateFiles(SeedtexProcess.Model("sd15"), "*", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(SeedtexProcess.Model("sd15"), file);
            Directory.CreateDirectory(Path.GetDirectoryName(Path.Combine(model, relative))!);
            File.Copy(file, Path.Combine(model, relative));
        }
        File.Delete(Path.Combine(model, "vae_decoder", "model.onnx"));
        var result = await SeedtexProcess.RunAsync("generate", "x", "--model", model, "-o", Path.Combine(TempDir(), "o.png"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("vae_decoder/model.onnx", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_c_cancels_between_steps_and_leaves_no_output()
    {
        string dir = TempDir();
        // 1,000 steps at 256 px run about 20 s on 2 cores, so the signal arrives mid-run however loaded the host;
        // the test only waits until it is handled.
        var (process, stderr) = await SeedtexProcess.StartAndWaitForAsync("step 2/", "generate", "slow bricks", "--steps", "1000", "--size", "256",
            "--model", SeedtexProcess.Model("sd15"), "-o", Path.Combine(dir, "out.png"));
        using (process)
        {
            using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
                await kill.WaitForExitAsync();
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            Assert.Equal(130, process.ExitCode);
        }
        lock (stderr)
            Assert.Contains("cancelled", stderr.ToString(), StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Models_info_prints_family_io_and_fingerprint()
    {
        var result = await SeedtexProcess.RunAsync("models", "info", SeedtexProcess.Model("sdxl-turbo"));
        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Contains("family:      SDXL-Turbo", result.StdOut, StringComparison.Ordinal);
        Assert.Contains("in  time_ids: float32", result.StdOut, StringComparison.Ordinal);
        Assert.Matches("fingerprint: [0-9a-f]{64}", result.StdOut);
    }

    [Fact]
    public async Task Without_model_the_embedded_seedtex_tiny_generates_with_its_own_defaults()
    {
        string output = Path.Combine(TempDir(), "mossy.png");
        var result = await SeedtexProcess.RunAsync("generate", "mossy cobblestone", "--seed", "1", "--size", "64", "-o", output);
        Assert.True(result.ExitCode == 0, result.StdErr);
        var png = PngFile.Read(output);
        Assert.Equal((64, 64), (png.Width, png.Height));
        Assert.Contains("Steps: 8, Sampler: Euler, CFG scale: 4, Seed: 1, Size: 64x64", png.Text["parameters"], StringComparison.Ordinal);
        Assert.Contains("Model: seedtex-tiny", png.Text["parameters"], StringComparison.Ordinal);
        Assert.Contains(png.Rgba.Where((_, i) => i % 4 != 3), b => b != png.Rgba[0]);
    }

    [Fact]
    public async Task Default_model_location_can_be_overridden_and_a_missing_one_is_explained()
    {
        var result = await SeedtexProcess.RunAsync(["generate", "x", "-o", Path.Combine(TempDir(), "o.png")],
            new Dictionary<string, string> { ["SEEDTEX_MODEL"] = "/nonexistent/seedtex-tiny" });
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("/nonexistent/seedtex-tiny does not exist", result.StdErr, StringComparison.Ordinal);
    }
}
