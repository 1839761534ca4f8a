using Seedtex.Core;
using Seedtex.Diffusion.Tiling.OnnxFormat;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Makes a diffusion model's convolutions wrap around the image edges instead of seeing zeros there, so what it
/// generates tiles: every padded Conv gets a circular pad in front of it on the tiled axes and keeps zero padding on
/// the others. Applied to the UNet and both VAE halves, the picture's left edge continues its right edge.
/// </summary>
/// <remarks>
/// Only the main graph is rewritten; a padded Conv inside an If/Loop/Scan body or a model-local function is refused
/// (SD exports have none). ConvTranspose is left alone: SD uses nearest upsampling + Conv, and a ConvTranspose's pads
/// crop its output rather than pad its input, so wrapping does not apply to it the same way. Wrapping assumes each
/// padding is no wider than the tensor along that axis (a 3x3 kernel on a feature map of at least 1 pixel).
/// </remarks>
public static class GraphRewriter
{
    /// <summary>
    /// Rewrites <paramref name="model"/> in place and returns how many Conv nodes now wrap. Throws
    /// <see cref="SeedtexException"/> (InvalidModel) naming the node when a Conv's padding cannot be rewritten, or when
    /// the graph has no padded Conv at all. <paramref name="component"/> names the model in messages ("unet").
    /// </summary>
    public static int MakeSeamless(ModelProto model, TileAxes axes, PadForm form, string component = "model")
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Graph is null)
            throw SeedtexException.Model($"{component} has no graph; is it an ONNX model file?");
        RejectConvsInSubgraphs(model, component);

        var graph = model.Graph;
        var initializers = graph.Initializer.GroupBy(t => t.Name).ToDictionary(g => g.Key, g => g.First());
        ExplicitZeroPads.Fold(graph, initializers);
        var plans = new List<(NodeProto Conv, ConvPadding Padding)>();
        foreach (var node in graph.Node.Where(IsConv))
        {
            var padding = ConvPadding.Read(node, initializers, component);
            if (padding.Any)
                plans.Add((node, padding));
        }
        if (plans.Count == 0)
            throw SeedtexException.Model($"no Conv with spatial padding found in {component}; seamless tiling rewrites padded convolutions, so this model cannot tile");
        if (axes == TileAxes.None)
            return 0;

        if (form == PadForm.WrapPad)
        {
            string? obstacle = WrapPadOpset.Obstacle(model);
            if (obstacle is not null)
                throw SeedtexException.Model($"cannot use Pad wrap in {component}: {obstacle}; use the SliceConcat form");
            WrapPadOpset.RaiseTo19(model);
        }
        else if (WrapPadOpset.Of(model) < WrapNodeBuilder.MinimumOpset)
        {
            throw SeedtexException.Model($"cannot make {component} seamless: it is opset {WrapPadOpset.Of(model)} and the rewrite needs opset {WrapNodeBuilder.MinimumOpset} or newer (Slice with tensor inputs); re-export it");
        }

        var builder = new WrapNodeBuilder(graph);
        // By reference: protobuf messages compare by value, and the Conv changes as it is rewritten.
        var prefix = new Dictionary<NodeProto, List<NodeProto>>(ReferenceEqualityComparer.Instance);
        int rewritten = 0;
        foreach (var (conv, padding) in plans)
        {
            var wrapped = WrappedSpatialAxes(padding.SpatialRank, axes);
            if (!Enumerable.Range(0, wrapped.Length).Any(i => wrapped[i] && (padding.Begin[i] != 0 || padding.End[i] != 0)))
                continue;
            prefix[conv] = builder.Wrap(conv, padding, wrapped, form);
            KeepZeroPaddingOnOtherAxes(conv, padding, wrapped);
            rewritten++;
        }

        // Nodes must stay in topological order: each new chain goes right before its Conv.
        var ordered = new List<NodeProto>(graph.Node.Count + 4 * rewritten);
        foreach (var node in graph.Node)
        {
            if (prefix.TryGetValue(node, out var chain))
                ordered.AddRange(chain);
            ordered.Add(node);
        }
        graph.Node.Clear();
        graph.Node.AddRange(ordered);
        graph.Initializer.AddRange(builder.NewInitializers);
        return rewritten;
    }

    private static bool IsConv(NodeProto node) => node.OpType == "Conv" && node.Domain is "" or "ai.onnx";

    /// <summary>Spatial axes (0 = first after N, C) that wrap: x is the last spatial axis, y the one before it.</summary>
    private static bool[] WrappedSpatialAxes(int spatialRank, TileAxes axes)
    {
        var wrapped = new bool[spatialRank];
        if (axes.HasFlag(TileAxes.X) && spatialRank >= 1)
            wrapped[spatialRank - 1] = true;
        if (axes.HasFlag(TileAxes.Y) && spatialRank >= 2)
            wrapped[spatialRank - 2] = true;
        return wrapped;
    }

    // The Conv itself still zero-pads the axes that do not wrap: the same numbers as a separate constant Pad, one
    // tensor copy fewer.
    private static void KeepZeroPaddingOnOtherAxes(NodeProto conv, ConvPadding padding, bool[] wrapped)
    {
        var begin = padding.Begin.Select((p, i) => wrapped[i] ? 0 : p);
        var end = padding.End.Select((p, i) => wrapped[i] ? 0 : p);
        OnnxAttributes.Remove(conv, "auto_pad");
        OnnxAttributes.SetInts(conv, "pads", begin.Concat(end));
    }

    private static void RejectConvsInSubgraphs(ModelProto model, string component)
    {
        foreach (var node in model.Graph.Node)
        {
            foreach (var sub in OnnxAttributes.Subgraphs(node))
            {
                var conv = FindConv(sub);
                if (conv is not null)
                    throw ConvPadding.Unsupported(conv, component, $"sits inside the subgraph of {node.OpType} node '{node.Name}'; only Convs in the main graph can be rewritten");
            }
        }
        foreach (var function in model.Functions)
        {
            var conv = function.Node.FirstOrDefault(IsConv);
            if (conv is not null)
                throw ConvPadding.Unsupported(conv, component, $"sits inside model-local function '{function.Name}'; only Convs in the main graph can be rewritten");
        }
    }

    private static NodeProto? FindConv(GraphProto graph) =>
        graph.Node.FirstOrDefault(IsConv) ?? graph.Node.SelectMany(OnnxAttributes.Subgraphs).Select(FindConv).FirstOrDefault(c => c is not null);
}
