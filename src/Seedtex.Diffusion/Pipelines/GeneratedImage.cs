using Seedtex.Core;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// A decoded image as the VAE wrote it: NCHW [1, 3, height, width], values in about [-1, 1], sRGB-encoded
/// (display-referred, as Stable Diffusion's training images were). Converting it to RGBA8 is the imaging or GPU
/// layer's job. Disposing frees the tensor when the pipeline allocated it; memory a caller passed in stays the caller's.
/// </summary>
public sealed class GeneratedImage : IDisposable
{
    public GeneratedImage(TextureRequest request, NativeTensor pixels, PipelineTimings timings, bool promptTruncated)
    {
        Request = request;
        Pixels = pixels;
        Timings = timings;
        PromptTruncated = promptTruncated;
    }

    /// <summary>The resolved request (model defaults filled in) that made this image.</summary>
    public TextureRequest Request { get; }
    public NativeTensor Pixels { get; }
    public PipelineTimings Timings { get; }
    public bool PromptTruncated { get; }
    public int Width => (int)Pixels.Shape[3];
    public int Height => (int)Pixels.Shape[2];

    public void Dispose() => Pixels.Dispose();
}
