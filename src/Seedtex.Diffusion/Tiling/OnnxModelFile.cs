using Google.Protobuf;
using Seedtex.Core;
using Seedtex.Diffusion.Tiling.OnnxFormat;

namespace Seedtex.Diffusion.Tiling;

/// <summary>
/// Reads and writes the ONNX protobuf. Tensors stored as external data stay references to their side files: a
/// 2 GB UNet whose weights live beside model.onnx costs only the small graph file here.
/// </summary>
public static class OnnxModelFile
{
    public static ModelProto Load(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
            return ModelProto.Parser.ParseFrom(stream);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw SeedtexException.Model($"{path} is not an ONNX model ({e.Message}); re-export it or replace the file", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot read {path}: {e.Message}", e);
        }
    }

    /// <summary>Writes the model and flushes it to disk (the caller renames the folder into place).</summary>
    public static void Save(ModelProto model, string path)
    {
        using var stream = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 20);
        model.WriteTo(stream);
        stream.Flush(flushToDisk: true);
    }

    /// <summary>Side files the model's tensors point to, as paths relative to the model's folder.</summary>
    public static IEnumerable<string> ExternalDataLocations(ModelProto model) =>
        model.Graph.Initializer
            .Where(t => t.DataLocation == TensorProto.Types.DataLocation.External)
            .SelectMany(t => t.ExternalData.Where(e => e.Key == "location").Select(e => e.Value))
            .Distinct(StringComparer.Ordinal);
}
