// HeadlessHost: a small Vulkan renderer standing in for a game engine. It creates its own instance and device,
// lends them to Seedtex (GpuContext.Adopt), has Seedtex make a ground texture and a sky cubemap in that device,
// renders a plane with the texture repeated 4x4 under the sky, and writes the frame as PNG plus a JSON file with
// the camera, so a test can work out where each pixel's colour must come from.
//
// Usage: HeadlessHost [--prompt text [--model folder] [--seed n]] [--texture ground.png] [--sky equirect.png]
//                     [--out frame.png] [--size 480x320] [--validate]
// With --prompt the ground texture is generated (by the default model seedtex-tiny unless --model names another
// diffusers ONNX folder), else it comes from --texture, else from a built-in pattern written where the decoder's
// output would go.
// Exit codes: 0 done, 1 GPU or inference failure, 2 bad arguments or input files, 3 validation-layer messages.
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using Seedtex.Core;
using Seedtex.Samples.HeadlessHost;
using Seedtex.Vulkan;
using StbImageWriteSharp;

const float PlaneHalfSize = 10f;
const float TextureRepeats = 4f;

string? texturePath = null, skyPath = null, modelFolder = null, prompt = null;
long seed = 0;
string outPath = "frame.png";
int width = 480, height = 320;
bool validate = false;
for (int i = 0; i < args.Length; i++)
{
    string Value() => i + 1 < args.Length ? args[++i] : throw SeedtexException.Argument($"{args[i]} needs a value");
    try
    {
        switch (args[i])
        {
            case "--texture": texturePath = Value(); break;
            case "--model": modelFolder = Value(); break;
            case "--prompt": prompt = Value(); break;
            case "--seed":
                if (!long.TryParse(Value(), CultureInfo.InvariantCulture, out seed))
                    throw SeedtexException.Argument("--seed takes a whole number");
                break;
            case "--sky": skyPath = Value(); break;
            case "--out": outPath = Value(); break;
            case "--validate": validate = true; break;
            case "--size":
                var parts = Value().Split('x');
                if (parts.Length != 2 || !int.TryParse(parts[0], CultureInfo.InvariantCulture, out width) || !int.TryParse(parts[1], CultureInfo.InvariantCulture, out height) || width < 16 || height < 16 || width > 4096 || height > 4096)
                    throw SeedtexException.Argument("--size takes WIDTHxHEIGHT between 16 and 4096, e.g. 480x320");
                break;
            default: throw SeedtexException.Argument($"unknown option {args[i]}; options: --model, --prompt, --seed, --texture, --sky, --out, --size, --validate");
        }
    }
    catch (SeedtexException e)
    {
        Console.Error.WriteLine(e.Message);
        return 2;
    }
}

if (modelFolder != null && prompt == null)
{
    Console.Error.WriteLine("--model needs --prompt");
    return 2;
}
if (prompt != null)
    modelFolder = Seedtex.Runtime.DefaultModel.Resolve(modelFolder);

var camera = new Camera(new Vector3(0f, 2f, 3f), new Vector3(0f, 1f, -5f), 70f, width, height);
try
{
    var queueGate = new object();
    using var host = new HostDevice(validate);
    byte[] frame;
    using (var seedtex = GpuContext.Adopt(host.Describe(queueGate)))
    using (var ground = modelFolder != null
        ? await GeneratedGround.GenerateAsync(seedtex, modelFolder, prompt!, seed, 64, CancellationToken.None)
        : SceneInputs.Ground(seedtex, texturePath))
    using (var sky = SceneInputs.Sky(seedtex, skyPath))
    {
        frame = new SceneRenderer(host, queueGate).Render(camera, ground, sky, PlaneHalfSize, TextureRepeats);
    }

    WriteAtomically(outPath, stream => new ImageWriter().WritePng(frame, width, height, ColorComponents.RedGreenBlueAlpha, stream));
    var description = new
    {
        eye = new[] { camera.Eye.X, camera.Eye.Y, camera.Eye.Z },
        target = new[] { camera.Target.X, camera.Target.Y, camera.Target.Z },
        fieldOfViewY = camera.FieldOfViewYDegrees,
        width,
        height,
        planeHalfSize = PlaneHalfSize,
        textureRepeats = TextureRepeats,
    };
    WriteAtomically(Path.ChangeExtension(outPath, ".json"), stream => JsonSerializer.Serialize(stream, description));
}
catch (SeedtexException e)
{
    Console.Error.WriteLine($"{e.Kind}: {e.Message}");
    return e.Kind is SeedtexErrorKind.InvalidArgument or SeedtexErrorKind.Io or SeedtexErrorKind.Corrupt ? 2 : 1;
}

if (HostDevice.MessageCount > 0)
{
    Console.Error.WriteLine($"{HostDevice.MessageCount} validation messages");
    return 3;
}
Console.WriteLine($"wrote {outPath} ({width}x{height})");
return 0;

// Temp file + rename, so a reader never sees half a PNG.
static void WriteAtomically(string path, Action<Stream> write)
{
    string temp = path + ".tmp";
    using (var stream = File.Create(temp))
        write(stream);
    File.Move(temp, path, overwrite: true);
}
