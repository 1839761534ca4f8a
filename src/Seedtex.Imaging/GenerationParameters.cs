using System.Globalization;
using System.Text;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// Generation parameters as AUTOMATIC1111 writes them into a PNG's "parameters" text chunk: the prompt, a
/// "Negative prompt:" line, then one line of "Key: value" pairs. Sampler names use A1111's spellings.
/// </summary>
public static class GenerationParameters
{
    public const string PngKeyword = "parameters";

    public static string Format(TextureRequest request, string modelName, string modelFingerprint, string version)
    {
        var text = new StringBuilder();
        text.Append(request.Prompt.ReplaceLineEndings(" ")).Append('\n');
        if (request.NegativePrompt.Length > 0)
            text.Append("Negative prompt: ").Append(request.NegativePrompt.ReplaceLineEndings(" ")).Append('\n');
        var pairs = new List<(string, string)>
        {
            ("Steps", request.Steps.ToString(CultureInfo.InvariantCulture)),
            ("Sampler", SamplerName(request.Scheduler)),
            ("CFG scale", request.Guidance.ToString("0.###", CultureInfo.InvariantCulture)),
            ("Seed", request.Seed.ToString(CultureInfo.InvariantCulture)),
            ("Size", $"{request.Width}x{request.Height}"),
            ("Model hash", modelFingerprint.Length >= 10 ? modelFingerprint[..10] : modelFingerprint),
            ("Model", modelName),
        };
        if (request.Kind == PipelineKind.ImageToImage)
            pairs.Add(("Denoising strength", request.Strength.ToString("0.###", CultureInfo.InvariantCulture)));
        if (request.Tiling != TileAxes.None)
            pairs.Add(("Tiling", request.Tiling.ToString().ToLowerInvariant()));
        pairs.Add(("RNG", "CPU"));
        pairs.Add(("Version", version));
        text.Append(string.Join(", ", pairs.Select(p => $"{p.Item1}: {p.Item2}")));
        return text.ToString();
    }

    /// <summary>AUTOMATIC1111's display name for a Seedtex scheduler name.</summary>
    public static string SamplerName(string scheduler) => scheduler switch
    {
        "euler" => "Euler",
        "euler-a" => "Euler a",
        "ddim" => "DDIM",
        "dpm++2m-karras" or "dpmpp-2m-karras" => "DPM++ 2M Karras",
        "lcm" => "LCM",
        _ => scheduler,
    };
}
