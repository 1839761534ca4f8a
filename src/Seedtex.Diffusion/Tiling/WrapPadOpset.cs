using Seedtex.Diffusion.Tiling.OnnxFormat;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Pad's "wrap" mode exists from opset 19. SD exports are opset 14 to 17, so the WrapPad form raises the model's
/// default-domain opset to 19 when that changes nothing else. From 17, only a few ops changed meaning on the way to
/// 19 (ONNX's Changelog): the Reduce ops other than ReduceSum moved <c>axes</c> from an attribute to an input at 18,
/// and Split at 18 needs either a split input or num_outputs. Older models are left to the SliceConcat form, because
/// more ops (RoiAlign's defaults at 16, for one) changed between their opset and 17.
/// </summary>
public static class WrapPadOpset
{
    public const long Required = 19;
    private const long OldestRaisable = 17;
    private const long IrVersionOfOpset19 = 9;

    private static readonly HashSet<string> ReduceOpsWithAxesInputAt18 =
        ["ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSumSquare"];

    /// <summary>The model's ai.onnx opset (the entry with an empty or "ai.onnx" domain).</summary>
    public static long Of(ModelProto model) =>
        model.OpsetImport.FirstOrDefault(IsDefaultDomain)?.Version ?? 0;

    /// <summary>Why the model cannot use Pad wrap, or null when it can (as it is, or after <see cref="RaiseTo19"/>).</summary>
    public static string? Obstacle(ModelProto model)
    {
        long opset = Of(model);
        if (opset >= Required)
            return null;
        if (opset < OldestRaisable)
            return $"the model is opset {opset}; Pad wrap needs {Required} and only models from opset {OldestRaisable} are raised to it";
        var blocker = AllNodes(model.Graph).FirstOrDefault(ChangesMeaningAt18);
        return blocker is null
            ? null
            : $"{blocker.OpType} node '{blocker.Name}' would change meaning if the model's opset {opset} were raised to {Required}";
    }

    /// <summary>Raises the default-domain opset to 19 (and the IR version to the one that goes with it). Call after <see cref="Obstacle"/> said null.</summary>
    internal static void RaiseTo19(ModelProto model)
    {
        var entry = model.OpsetImport.First(IsDefaultDomain);
        if (entry.Version >= Required)
            return;
        entry.Version = Required;
        model.IrVersion = Math.Max(model.IrVersion, IrVersionOfOpset19);
    }

    private static bool IsDefaultDomain(OperatorSetIdProto entry) => entry.Domain is "" or "ai.onnx";

    private static bool ChangesMeaningAt18(NodeProto node) => node.Domain is "" or "ai.onnx" && node.OpType switch
    {
        _ when ReduceOpsWithAxesInputAt18.Contains(node.OpType) => OnnxAttributes.Find(node, "axes") is not null,
        "Split" => node.Input.Count < 2 || node.Input[1].Length == 0,
        _ => false,
    };

    private static IEnumerable<NodeProto> AllNodes(GraphProto graph) =>
        graph.Node.SelectMany(n => OnnxAttributes.Subgraphs(n).SelectMany(AllNodes).Prepend(n));
}
