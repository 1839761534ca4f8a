using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// The UNet's text inputs for one request, ready to feed: hidden states at batch 1 (conditional only) or 2
/// (unconditional first, then conditional, as diffusers orders them), and SDXL's pooled embedding.
/// </summary>
public sealed class TextConditioning : IDisposable
{
    public TextConditioning(NativeTensor hiddenStates, NativeTensor? pooled, bool hasUnconditional, bool truncated)
    {
        HiddenStates = hiddenStates;
        Pooled = pooled;
        HasUnconditional = hasUnconditional;
        Truncated = truncated;
    }

    /// <summary>[batch, sequence, dim] in the UNet's precision.</summary>
    public NativeTensor HiddenStates { get; }
    /// <summary>SDXL's text_embeds [batch, dim]; null for other families.</summary>
    public NativeTensor? Pooled { get; }
    public bool HasUnconditional { get; }
    /// <summary>True when the prompt was longer than the model's window and was cut (the caller warns).</summary>
    public bool Truncated { get; }
    public int Batch => (int)HiddenStates.Shape[0];

    public void Dispose()
    {
        HiddenStates.Dispose();
        Pooled?.Dispose();
    }
}
