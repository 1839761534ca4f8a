using Seedtex.Diffusion.Tiling.OnnxFormat;
using static Seedtex.Diffusion.Tiling.OnnxFormat.TensorProto.Types;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Builds the nodes that wrap a Conv's input around its edges, in either <see cref="PadForm"/>, with names that clash
/// with nothing already in the graph. The small int64 constants they read are shared between Convs.
/// </summary>
internal sealed class WrapNodeBuilder
{
    /// <summary>Slice takes starts/ends/axes as inputs from opset 10.</summary>
    public const long MinimumOpset = 10;

    private readonly HashSet<string> _usedNames;
    private readonly Dictionary<string, string> _constants = [];
    private int _anonymousConvs;

    public WrapNodeBuilder(GraphProto graph)
    {
        _usedNames = [.. graph.Node.Select(n => n.Name), .. graph.Node.SelectMany(n => n.Input.Concat(n.Output)),
            .. graph.Initializer.Select(t => t.Name), .. graph.Input.Select(v => v.Name), .. graph.Output.Select(v => v.Name),
            .. graph.ValueInfo.Select(v => v.Name)];
    }

    public List<TensorProto> NewInitializers { get; } = [];

    /// <summary>Returns the nodes to put before <paramref name="conv"/>; the Conv's first input is redirected to their output.</summary>
    public List<NodeProto> Wrap(NodeProto conv, ConvPadding padding, bool[] wrapped, PadForm form)
    {
        string owner = conv.Name.Length > 0 ? conv.Name : $"conv{_anonymousConvs++}";
        var nodes = new List<NodeProto>();
        string input = conv.Input[0];
        string output = form == PadForm.WrapPad
            ? AddWrapPad(owner, input, padding, wrapped, nodes)
            : AddSliceConcat(owner, input, padding, wrapped, nodes);
        conv.Input[0] = output;
        return nodes;
    }

    private string AddWrapPad(string owner, string input, ConvPadding padding, bool[] wrapped, List<NodeProto> nodes)
    {
        // Pad's pads cover every axis: N and C get none, then the spatial axes, begins first, then ends.
        var begins = padding.Begin.Select((p, i) => wrapped[i] ? p : 0);
        var ends = padding.End.Select((p, i) => wrapped[i] ? p : 0);
        long[] pads = [0, 0, .. begins, 0, 0, .. ends];
        string output = UniqueName($"{owner}/seedtex_wrap");
        var pad = NewNode("Pad", $"{owner}/seedtex_wrap_pad", [input, Constant(pads)], output);
        pad.Attribute.Add(OnnxAttributes.NewString("mode", "wrap"));
        nodes.Add(pad);
        return output;
    }

    // [last b columns, x, first e columns] along each wrapped axis in turn; wrapping x first and then y gives the
    // corners from the opposite corners, as a 2-D wrap does.
    private string AddSliceConcat(string owner, string input, ConvPadding padding, bool[] wrapped, List<NodeProto> nodes)
    {
        string current = input;
        for (int i = padding.SpatialRank - 1; i >= 0; i--)
        {
            long begin = padding.Begin[i], end = padding.End[i];
            if (!wrapped[i] || (begin == 0 && end == 0))
                continue;
            long axis = 2 + i;
            var parts = new List<string>();
            if (begin > 0)
                parts.Add(AddSlice(owner, current, -begin, long.MaxValue, axis, "tail", nodes));
            parts.Add(current);
            if (end > 0)
                parts.Add(AddSlice(owner, current, 0, end, axis, "head", nodes));
            string joined = UniqueName($"{owner}/seedtex_wrap_axis{axis}");
            var concat = NewNode("Concat", $"{owner}/seedtex_wrap_concat_axis{axis}", parts, joined);
            concat.Attribute.Add(OnnxAttributes.NewInt("axis", axis));
            nodes.Add(concat);
            current = joined;
        }
        return current;
    }

    private string AddSlice(string owner, string input, long start, long end, long axis, string part, List<NodeProto> nodes)
    {
        string output = UniqueName($"{owner}/seedtex_wrap_{part}_axis{axis}");
        nodes.Add(NewNode("Slice", $"{owner}/seedtex_wrap_slice_{part}_axis{axis}", [input, Constant([start]), Constant([end]), Constant([axis])], output));
        return output;
    }

    private NodeProto NewNode(string opType, string name, IEnumerable<string> inputs, string output)
    {
        var node = new NodeProto { OpType = opType, Name = UniqueName(name) };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }

    private string Constant(long[] values)
    {
        string key = string.Join(',', values);
        if (_constants.TryGetValue(key, out string? name))
            return name;
        name = UniqueName("seedtex_wrap_const");
        var tensor = new TensorProto { Name = name, DataType = (int)DataType.Int64 };
        tensor.Dims.Add(values.Length);
        tensor.Int64Data.AddRange(values);
        NewInitializers.Add(tensor);
        _constants[key] = name;
        return name;
    }

    private string UniqueName(string wanted)
    {
        string name = wanted;
        for (int n = 1; !_usedNames.Add(name); n++)
            name = $"{wanted}_{n}";
        return name;
    }
}
