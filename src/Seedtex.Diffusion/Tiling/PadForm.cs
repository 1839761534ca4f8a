namespace Seedtex.Diffusion.Tiling;

/// <summary>How the rewrite builds the circular padding in front of each Conv.</summary>
public enum PadForm
{
    /// <summary>
    /// One <c>Pad(mode="wrap")</c> node. Needs opset 19; the rewrite raises a 17 or 18 model to 19 when no op in it
    /// changed meaning on the way. Exact on the CPU provider; some GPU providers lack the kernel (CUDA falls back to the
    /// CPU, OpenVINO rejects it).
    /// </summary>
    WrapPad,

    /// <summary>Slice the last and first columns (rows) and Concat them around the tensor: plain ops every provider runs.</summary>
    SliceConcat,
}
