using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;

namespace Seedtex.Diffusion.Onnx;

/// <summary>
/// One graph of a model folder (text_encoder, unet, ...) with its session and a checked view of its inputs and
/// outputs. Checks run at load so a model that doesn't fit fails before the first step, naming the input.
/// </summary>
public sealed class OnnxComponent : IDisposable
{
    private OnnxComponent(string name, string path, InferenceSession session)
    {
        Name = name;
        Path = path;
        Session = session;
    }

    /// <summary>Component folder name, e.g. "unet".</summary>
    public string Name { get; }
    public string Path { get; }
    public InferenceSession Session { get; }
    public IReadOnlyDictionary<string, NodeMetadata> Inputs => Session.InputMetadata;
    public IReadOnlyDictionary<string, NodeMetadata> Outputs => Session.OutputMetadata;

    public static OnnxComponent Open(string modelFolder, string name, SessionFactory sessions)
    {
        string path = System.IO.Path.Combine(modelFolder, name, "model.onnx");
        if (!File.Exists(path))
            throw SeedtexException.Model($"model folder {modelFolder} is missing {name}/model.onnx; the diffusers ONNX layout needs it");
        return new OnnxComponent(name, path, sessions.Open(path));
    }

    public bool HasInput(string name) => Inputs.ContainsKey(name);

    /// <summary>Checks a tensor input's presence, element type and rank; returns its element type.</summary>
    public TensorElementType RequireInput(string name, ReadOnlySpan<TensorElementType> allowed, params int[] ranks) =>
        Check(Inputs, "input", name, allowed, ranks);

    public TensorElementType RequireOutput(string name, ReadOnlySpan<TensorElementType> allowed, params int[] ranks) =>
        Check(Outputs, "output", name, allowed, ranks);

    /// <summary>Fails when the graph has an input the pipeline will not feed.</summary>
    public void RejectUnknownInputs(params string[] known)
    {
        foreach (string input in Inputs.Keys)
        {
            if (Array.IndexOf(known, input) < 0)
                throw SeedtexException.Model($"{Name}/model.onnx has input '{input}' that this pipeline does not feed (expected only: {string.Join(", ", known)})");
        }
    }

    /// <summary>Static size of dimension <paramref name="axis"/> of an input, or null when dynamic.</summary>
    public int? StaticDim(string input, int axis)
    {
        int[] dims = Inputs[input].Dimensions;
        return axis < dims.Length && dims[axis] > 0 ? dims[axis] : null;
    }

    public string Describe()
    {
        var lines = new List<string>();
        foreach (var (kind, map) in new[] { ("in ", Inputs), ("out", Outputs) })
        {
            foreach (var (n, meta) in map)
                lines.Add($"{kind} {n}: {TypeName(meta.ElementDataType)} [{string.Join(", ", meta.Dimensions.Select((d, i) => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : SymbolicName(meta, i)))}]");
        }
        return string.Join('\n', lines);
    }

    public void Dispose() => Session.Dispose();

    public static string TypeName(TensorElementType type) => type switch
    {
        TensorElementType.Float => "float32",
        TensorElementType.Float16 => "float16",
        TensorElementType.Int64 => "int64",
        TensorElementType.Int32 => "int32",
        _ => type.ToString().ToLowerInvariant(),
    };

    private static string SymbolicName(NodeMetadata meta, int axis) =>
        axis < meta.SymbolicDimensions.Length && !string.IsNullOrEmpty(meta.SymbolicDimensions[axis]) ? meta.SymbolicDimensions[axis] : "?";

    private TensorElementType Check(IReadOnlyDictionary<string, NodeMetadata> map, string kind, string name, ReadOnlySpan<TensorElementType> allowed, int[] ranks)
    {
        if (!map.TryGetValue(name, out var meta))
            throw SeedtexException.Model($"{Name}/model.onnx has no {kind} '{name}' (it has: {string.Join(", ", map.Keys)}); this is not a {Name} graph in the diffusers ONNX layout");
        if (!meta.IsTensor)
            throw SeedtexException.Model($"{Name}/model.onnx {kind} '{name}' is a {meta.OnnxValueType}, expected a tensor");
        if (!allowed.Contains(meta.ElementDataType))
        {
            var names = new List<string>();
            foreach (var t in allowed)
                names.Add(TypeName(t));
            throw SeedtexException.Model($"{Name}/model.onnx {kind} '{name}' has type {TypeName(meta.ElementDataType)}; expected {string.Join(" or ", names)}");
        }
        if (ranks.Length > 0 && Array.IndexOf(ranks, meta.Dimensions.Length) < 0)
            throw SeedtexException.Model($"{Name}/model.onnx {kind} '{name}' has rank {meta.Dimensions.Length}; expected rank {string.Join(" or ", ranks)}");
        return meta.ElementDataType;
    }
}
