using System.Reflection;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;

namespace Seedtex.Cli;

/// <summary>Turns a decoded image into an RGBA8 PNG that carries its generation parameters.</summary>
public static class ImageOutput
{
    public static string Version { get; } =
        "seedtex " + (typeof(ImageOutput).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0");

    public static byte[] EncodePng(GeneratedImage image, ModelSet model, byte[] rgba) =>
        PngFile.Encode(rgba, image.Width, image.Height, new Dictionary<string, string>
        {
            [GenerationParameters.PngKeyword] = GenerationParameters.Format(image.Request, model.Name, model.Fingerprint, Version),
        });
}
