using Seedtex.Core;
using Seedtex.Diffusion.Tiling.OnnxFormat;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// The zero padding a Conv node applies before each spatial axis and after it, read from its <c>pads</c> attribute or
/// worked out from <c>auto_pad</c>. Spatial axis 0 is the first after N and C (height for a 2-D Conv); the last is width.
/// </summary>
internal sealed record ConvPadding(long[] Begin, long[] End)
{
    public int SpatialRank => Begin.Length;

    public bool Any => Begin.Any(p => p != 0) || End.Any(p => p != 0);

    /// <summary>
    /// Reads a Conv's padding. <paramref name="initializers"/> gives the weight's shape when the node has no
    /// kernel_shape (only needed for auto_pad SAME_*). Throws when the padding depends on the input size.
    /// </summary>
    public static ConvPadding Read(NodeProto conv, IReadOnlyDictionary<string, TensorProto> initializers, string component)
    {
        string autoPad = OnnxAttributes.String(conv, "auto_pad") ?? "NOTSET";
        var pads = OnnxAttributes.Ints(conv, "pads");
        switch (autoPad)
        {
            case "NOTSET":
                if (pads is null)
                    return Zero(SpatialRankOf(conv, initializers, component));
                if (pads.Count % 2 != 0)
                    throw Unsupported(conv, component, $"its pads attribute has an odd length ({pads.Count})");
                int rank = pads.Count / 2;
                return new ConvPadding([.. pads.Take(rank)], [.. pads.Skip(rank)]);
            case "VALID":
                return Zero(SpatialRankOf(conv, initializers, component));
            case "SAME_UPPER":
            case "SAME_LOWER":
                return Same(conv, initializers, component, upper: autoPad == "SAME_UPPER");
            default:
                throw Unsupported(conv, component, $"auto_pad is '{autoPad}', which ONNX does not define");
        }
    }

    private static ConvPadding Zero(int rank) => new(new long[rank], new long[rank]);

    // SAME keeps the output size equal to ceil(input / stride). With stride 1 the total padding is the dilated kernel
    // extent minus one, whatever the input size; with a larger stride it depends on the input size, which a fixed
    // wrap cannot follow.
    private static ConvPadding Same(NodeProto conv, IReadOnlyDictionary<string, TensorProto> initializers, string component, bool upper)
    {
        var kernel = KernelShape(conv, initializers, component);
        var strides = OnnxAttributes.Ints(conv, "strides");
        var dilations = OnnxAttributes.Ints(conv, "dilations");
        var begin = new long[kernel.Count];
        var end = new long[kernel.Count];
        for (int i = 0; i < kernel.Count; i++)
        {
            long stride = strides?[i] ?? 1;
            long dilation = dilations?[i] ?? 1;
            long total = (kernel[i] - 1) * dilation;
            if (stride != 1 && total > 0)
                throw Unsupported(conv, component,
                    $"auto_pad {(upper ? "SAME_UPPER" : "SAME_LOWER")} with stride {stride} pads by an amount that depends on the input size; " +
                    "re-export the model with explicit pads");
            long small = total / 2;
            (begin[i], end[i]) = upper ? (small, total - small) : (total - small, small);
        }
        return new ConvPadding(begin, end);
    }

    private static int SpatialRankOf(NodeProto conv, IReadOnlyDictionary<string, TensorProto> initializers, string component) =>
        KernelShape(conv, initializers, component).Count;

    private static IReadOnlyList<long> KernelShape(NodeProto conv, IReadOnlyDictionary<string, TensorProto> initializers, string component)
    {
        var kernel = OnnxAttributes.Ints(conv, "kernel_shape");
        if (kernel is not null)
            return kernel;
        // Weights are [out channels, in channels / group, spatial...].
        if (conv.Input.Count > 1 && initializers.TryGetValue(conv.Input[1], out var weight) && weight.Dims.Count > 2)
            return [.. weight.Dims.Skip(2)];
        throw Unsupported(conv, component, "it has neither kernel_shape nor a constant weight, so its kernel size is unknown");
    }

    public static SeedtexException Unsupported(NodeProto node, string component, string why) =>
        SeedtexException.Model($"cannot make {component} seamless: {node.OpType} node '{node.Name}' {why}");
}
