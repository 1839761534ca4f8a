using Google.Protobuf;
using Seedtex.Diffusion.Tiling.OnnxFormat;
using static Seedtex.Diffusion.Tiling.OnnxFormat.AttributeProto.Types;

namespace Seedtex.Diffusion.Tiling;

/// <summary>Reads and writes ONNX node attributes by name.</summary>
internal static class OnnxAttributes
{
    public static AttributeProto? Find(NodeProto node, string name) => node.Attribute.FirstOrDefault(a => a.Name == name);

    public static IReadOnlyList<long>? Ints(NodeProto node, string name) => Find(node, name) is { } a ? [.. a.Ints] : null;

    public static string? String(NodeProto node, string name) => Find(node, name)?.S.ToStringUtf8();

    public static void SetInts(NodeProto node, string name, IEnumerable<long> values)
    {
        Remove(node, name);
        var attribute = new AttributeProto { Name = name, Type = AttributeType.Ints };
        attribute.Ints.AddRange(values);
        node.Attribute.Add(attribute);
    }

    public static AttributeProto NewString(string name, string value) =>
        new() { Name = name, Type = AttributeType.String, S = ByteString.CopyFromUtf8(value) };

    public static AttributeProto NewInt(string name, long value) => new() { Name = name, Type = AttributeType.Int, I = value };

    public static void Remove(NodeProto node, string name)
    {
        var existing = Find(node, name);
        if (existing is not null)
            node.Attribute.Remove(existing);
    }

    /// <summary>Graphs held by a node's attributes (If branches, Loop and Scan bodies).</summary>
    public static IEnumerable<GraphProto> Subgraphs(NodeProto node) =>
        node.Attribute.SelectMany(a => a.Type switch
        {
            AttributeType.Graph => [a.G],
            AttributeType.Graphs => a.Graphs,
            _ => Enumerable.Empty<GraphProto>(),
        });
}
