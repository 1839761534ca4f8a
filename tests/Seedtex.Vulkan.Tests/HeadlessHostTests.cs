using System.Diagnostics;
using System.Numerics;
using System.Text.Json;
using Seedtex.Imaging;
using StbImageSharp;
using StbImageWriteSharp;

namespace Seedtex.Vulkan.Tests;

/// <summary>
/// Runs samples/HeadlessHost (its own device, Seedtex adopted into it, validation on) and checks the frame it wrote:
/// every sampled ground pixel has the colour of the ground texture where the camera ray hits the plane (4x4 repeat),
/// every sampled sky pixel the colour of the panorama in the ray's direction.
/// </summary>
public sealed class HeadlessHostTests : IDisposable
{
    private const int Tolerance = 8; // of 255: mip filtering of a smooth pattern, bilinear vs. exact evaluation
    private readonly string _folder = Directory.CreateTempSubdirectory("seedtex-host-").FullName;

    // Ground: smooth and periodic in u and v, so it tiles and the exact colour at any (u, v) is known.
    private static Vector3 Ground(float u, float v) => new(
        0.5f + (0.35f * MathF.Sin(2f * MathF.PI * u)),
        0.5f + (0.35f * MathF.Cos(2f * MathF.PI * v)),
        0.5f + (0.3f * MathF.Sin(2f * MathF.PI * (u - v))));

    // Sky: periodic in longitude u, varying with latitude v (0 at the zenith).
    private static Vector3 Sky(float u, float v) => new(
        0.5f + (0.35f * MathF.Sin(2f * MathF.PI * u)),
        0.5f + (0.35f * MathF.Cos(2f * MathF.PI * u)),
        0.2f + (0.7f * (1f - v)));

    [Fact]
    public async Task Frame_shows_the_ground_texture_on_the_plane_and_the_cubemap_in_the_sky()
    {
        string ground = WritePng("ground.png", 256, 256, Ground);
        string sky = WritePng("sky.png", 512, 256, Sky);
        string frame = Path.Combine(_folder, "frame.png");

        var (exit, stderr) = await RunHost("--texture", ground, "--sky", sky, "--out", frame, "--validate", "--size", "320x240");
        Assert.True(exit == 0, $"HeadlessHost exit {exit}: {stderr}");
        Assert.Equal("", stderr.Trim());

        var image = ImageResult.FromMemory(File.ReadAllBytes(frame), StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        using var json = JsonDocument.Parse(File.ReadAllBytes(Path.ChangeExtension(frame, ".json")));
        var camera = json.RootElement;
        Vector3 Read(string name) => new(camera.GetProperty(name)[0].GetSingle(), camera.GetProperty(name)[1].GetSingle(), camera.GetProperty(name)[2].GetSingle());
        var eye = Read("eye");
        var forward = Vector3.Normalize(Read("target") - eye);
        var right = Vector3.Normalize(Vector3.Cross(forward, Vector3.UnitY));
        var up = Vector3.Cross(right, forward);
        float tanHalf = MathF.Tan(camera.GetProperty("fieldOfViewY").GetSingle() * MathF.PI / 360f);
        float half = camera.GetProperty("planeHalfSize").GetSingle();
        float repeats = camera.GetProperty("textureRepeats").GetSingle();
        Assert.Equal(320, image.Width);

        int groundChecked = 0, skyChecked = 0;
        for (int y = 2; y < image.Height; y += 6)
        {
            for (int x = 2; x < image.Width; x += 6)
            {
                float ndcX = ((x + 0.5f) / image.Width * 2f) - 1f, ndcY = ((y + 0.5f) / image.Height * 2f) - 1f;
                var ray = Vector3.Normalize(forward + (ndcX * tanHalf * image.Width / image.Height * right) - (ndcY * tanHalf * up));
                Vector3 expected;
                if (ray.Y < -0.05f)
                {
                    var hit = eye + (-eye.Y / ray.Y * ray);
                    if (MathF.Abs(hit.X) > half - 1f || MathF.Abs(hit.Z) > half - 1f || Vector3.Distance(hit, eye) > 8f)
                        continue;
                    float u = ((hit.X / half * 0.5f) + 0.5f) * repeats, v = ((hit.Z / half * 0.5f) + 0.5f) * repeats;
                    expected = Ground(u - MathF.Floor(u), v - MathF.Floor(v));
                    groundChecked++;
                }
                else if (ray.Y > 0.05f)
                {
                    var uv = EquirectToCube.PanoramaCoordinates(ray);
                    expected = Sky(uv.X, uv.Y);
                    skyChecked++;
                }
                else
                {
                    continue; // the horizon band: the plane's far edge and the sky below it
                }
                var pixel = image.Data.AsSpan(((y * image.Width) + x) * 4, 3);
                for (int c = 0; c < 3; c++)
                {
                    int want = ColorSpace.QuantizeUnorm8(expected[c]);
                    Assert.True(Math.Abs(pixel[c] - want) <= Tolerance,
                        $"pixel ({x},{y}) channel {c} is {pixel[c]}, the {(ray.Y < 0 ? "ground texture" : "sky")} there is {want}");
                }
            }
        }
        Assert.True(groundChecked > 200, $"only {groundChecked} ground pixels checked");
        Assert.True(skyChecked > 200, $"only {skyChecked} sky pixels checked");
    }

    [Fact]
    public async Task Default_scene_generates_its_textures_on_the_gpu_without_validation_messages()
    {
        string frame = Path.Combine(_folder, "default.png");
        var (exit, stderr) = await RunHost("--out", frame, "--validate");
        Assert.True(exit == 0, $"HeadlessHost exit {exit}: {stderr}");
        var image = ImageResult.FromMemory(File.ReadAllBytes(frame), StbImageSharp.ColorComponents.RedGreenBlueAlpha);
        Assert.Equal((480, 320), (image.Width, image.Height));
        // Top row is sky (blue dominates), bottom row is the textured plane (not the black clear colour).
        Assert.True(image.Data[2] > image.Data[0]);
        int bottom = (image.Height - 1) * image.Width * 4;
        Assert.True(image.Data[bottom] + image.Data[bottom + 1] + image.Data[bottom + 2] > 60);
    }

    [Fact]
    public async Task Unknown_option_is_exit_code_2()
    {
        var (exit, stderr) = await RunHost("--bogus");
        Assert.Equal(2, exit);
        Assert.Contains("--bogus", stderr, StringComparison.Ordinal);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string WritePng(string name, int width, int height, Func<float, float, Vector3> colour)
    {
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                var c = colour((x + 0.5f) / width, (y + 0.5f) / height);
                int i = ((y * width) + x) * 4;
                pixels[i] = ColorSpace.QuantizeUnorm8(c.X);
                pixels[i + 1] = ColorSpace.QuantizeUnorm8(c.Y);
                pixels[i + 2] = ColorSpace.QuantizeUnorm8(c.Z);
                pixels[i + 3] = 255;
            }
        string path = Path.Combine(_folder, name);
        using var stream = File.Create(path);
        new ImageWriter().WritePng(pixels, width, height, StbImageWriteSharp.ColorComponents.RedGreenBlueAlpha, stream);
        return path;
    }

    private static async Task<(int Exit, string Stderr)> RunHost(params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HeadlessHost.dll"), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        string stderr = await process.StandardError.ReadToEndAsync(timeout.Token);
        await stdout;
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, stderr);
    }
}
