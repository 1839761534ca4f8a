using Seedtex.Diffusion.Tiling.OnnxFormat;
using static Seedtex.Diffusion.Tiling.OnnxFormat.TensorProto.Types;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Folds an explicit zero <c>Pad</c> that feeds nothing but a Conv into that Conv's own pads. SD's VAE encoder pads its
/// stride-2 downsampling this way (0 before, 1 after on both axes, then a Conv without pads). Zero padding gives the
/// same numbers either way, and once the Conv carries it, the seamless rewrite wraps it like every other Conv's.
/// Pads that are not plain zero padding (another mode or value, padded batch or channels, pads computed at run
/// time) are left as they are.
/// </summary>
internal static class ExplicitZeroPads
{
    /// <summary>Folds in place; returns how many Pad nodes went into their Convs.</summary>
    public static int Fold(GraphProto graph, IReadOnlyDictionary<string, TensorProto> initializers)
    {
        var constants = new Dictionary<string, TensorProto>(initializers);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && n.Output.Count == 1))
        {
            if (OnnxAttributes.Find(node, "value") is { T: { } value })
                constants[node.Output[0]] = value;
        }
        var consumers = graph.Node.SelectMany(n => n.Input.Select(input => (input, n))).ToLookup(p => p.input, p => p.n);
        var graphOutputs = graph.Output.Select(o => o.Name).ToHashSet();

        var folded = new HashSet<NodeProto>(ReferenceEqualityComparer.Instance);
        foreach (var pad in graph.Node.Where(n => n.OpType == "Pad" && n.Domain is "" or "ai.onnx"))
        {
            if (pad.Output.Count != 1 || graphOutputs.Contains(pad.Output[0]) || consumers[pad.Output[0]].Count() != 1)
                continue;
            var conv = consumers[pad.Output[0]].Single();
            if (conv.OpType != "Conv" || conv.Input[0] != pad.Output[0] || conv.Input.Skip(1).Contains(pad.Output[0]))
                continue;
            if (!IsZeroPadding(pad, constants, out var pads))
                continue;
            var own = ConvPadding.Read(conv, initializers, "model");
            int rank = pads.Length / 2 - 2;
            if (own.SpatialRank != rank || OnnxAttributes.String(conv, "auto_pad") is "SAME_UPPER" or "SAME_LOWER")
                continue;
            long[] sum = [.. own.Begin.Select((b, i) => b + pads[2 + i]), .. own.End.Select((e, i) => e + pads[rank + 4 + i])];
            OnnxAttributes.Remove(conv, "auto_pad");
            OnnxAttributes.SetInts(conv, "pads", sum);
            conv.Input[0] = pad.Input[0];
            folded.Add(pad);
        }
        var kept = graph.Node.Where(n => !folded.Contains(n)).ToList();
        graph.Node.Clear();
        graph.Node.AddRange(kept);
        return folded.Count;
    }

    private static bool IsZeroPadding(NodeProto pad, IReadOnlyDictionary<string, TensorProto> constants, out long[] pads)
    {
        pads = [];
        string mode = OnnxAttributes.String(pad, "mode") ?? "constant";
        // Opset 18 added an axes input; only the all-axes form is folded.
        if (mode != "constant" || pad.Input.Count < 2 || (pad.Input.Count > 3 && pad.Input[3].Length > 0))
            return false;
        if (!constants.TryGetValue(pad.Input[1], out var padsTensor) || Int64Values(padsTensor) is not { } values)
            return false;
        pads = values;
        if (pads.Length < 6 || pads.Length % 2 != 0 || pads.Any(p => p < 0))
            return false;
        int rank = pads.Length / 2;
        // Batch and channels are never padded by a spatial Conv.
        if (pads[0] != 0 || pads[1] != 0 || pads[rank] != 0 || pads[rank + 1] != 0)
            return false;
        if (pad.Input.Count > 2 && pad.Input[2].Length > 0)
            return constants.TryGetValue(pad.Input[2], out var value) && IsZero(value);
        return true;
    }

    private static long[]? Int64Values(TensorProto tensor)
    {
        if (tensor.DataType != (int)DataType.Int64 || tensor.DataLocation == DataLocation.External)
            return null;
        if (tensor.Int64Data.Count > 0)
            return [.. tensor.Int64Data];
        var raw = tensor.RawData.Span;
        var values = new long[raw.Length / 8];
        for (int i = 0; i < values.Length; i++)
            values[i] = BitConverter.ToInt64(raw.Slice(i * 8, 8));
        return values;
    }

    private static bool IsZero(TensorProto value)
    {
        if (value.DataLocation == DataLocation.External)
            return false;
        if (value.FloatData.Count > 0 || value.DoubleData.Count > 0 || value.Int32Data.Count > 0 || value.Int64Data.Count > 0)
            return value.FloatData.All(v => v == 0) && value.DoubleData.All(v => v == 0) && value.Int32Data.All(v => v == 0) && value.Int64Data.All(v => v == 0);
        // Raw little-endian bytes: zero is all bits clear in every numeric type.
        return !value.RawData.Span.ContainsAnyExcept((byte)0);
    }
}
