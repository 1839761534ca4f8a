using System.Runtime.InteropServices;
using System.Text.Json;
using Google.Protobuf;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Tiling;
using Seedtex.Diffusion.Tiling.OnnxFormat;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests.Tiling;

/// <summary>One case of tests/models/tiling/expected.json: a graph, the axes, an input and numpy's output.</summary>
public sealed record TilingCase(string Graph, string Axes, long[] InputShape, float[] Input, long[] OutputShape, float[] Output)
{
    public TileAxes TileAxes => Axes switch { "x" => TileAxes.X, "y" => TileAxes.Y, "xy" => TileAxes.XY, _ => TileAxes.None };

    public override string ToString() => $"{Graph} {Axes}";
}

/// <summary>The small graphs made by tests/models/tiling/make_tiling_graphs.py, and a way to run any graph on ONNX Runtime.</summary>
public static class TilingGraphs
{
    private static readonly Lazy<List<TilingCase>> Expected = new(() =>
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path("expected.json")));
        return json.RootElement.GetProperty("cases").EnumerateArray().Select(c => new TilingCase(
            c.GetProperty("graph").GetString()!,
            c.GetProperty("axes").GetString()!,
            c.GetProperty("input_shape").Deserialize<long[]>()!,
            c.GetProperty("input").Deserialize<float[]>()!,
            c.GetProperty("output_shape").Deserialize<long[]>()!,
            c.GetProperty("output").Deserialize<float[]>()!)).ToList();
    });

    public static IReadOnlyList<TilingCase> Cases => Expected.Value;

    public static string Path(params string[] parts) => RepoPaths.InRepo(["tests", "models", "tiling", .. parts]);

    public static ModelProto Load(string file) => OnnxModelFile.Load(Path(file));

    public static InferenceSession Open(ModelProto model)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        return new InferenceSession(model.ToByteArray(), options);
    }

    public static InferenceSession Open(string modelPath)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        return new InferenceSession(modelPath, options);
    }

    /// <summary>Runs the session on float inputs (converted to float16 where the graph wants it); returns the first output as float.</summary>
    public static (float[] Values, long[] Shape) Run(InferenceSession session, params (string Name, float[] Data, long[] Shape)[] inputs) =>
        RunWithInt64(session, inputs);

    /// <summary>As <see cref="Run"/>, plus int64 inputs (an SD 1.5 UNet's timestep).</summary>
    public static (float[] Values, long[] Shape) RunWithInt64(InferenceSession session, (string Name, float[] Data, long[] Shape)[] floats,
        params (string Name, long[] Data, long[] Shape)[] int64s)
    {
        var values = new List<OrtValue>();
        try
        {
            foreach (var (name, data, shape) in floats)
            {
                values.Add(session.InputMetadata[name].ElementDataType == TensorElementType.Float16
                    ? OrtValue.CreateTensorValueFromMemory(MemoryMarshal.Cast<Half, Float16>(data.Select(v => (Half)v).ToArray()).ToArray(), shape)
                    : OrtValue.CreateTensorValueFromMemory(data, shape));
            }
            values.AddRange(int64s.Select(i => OrtValue.CreateTensorValueFromMemory(i.Data, i.Shape)));
            using var runOptions = new RunOptions();
            string output = session.OutputNames[0];
            string[] names = [.. floats.Select(i => i.Name), .. int64s.Select(i => i.Name)];
            using var results = session.Run(runOptions, names, values, [output]);
            var result = results[0];
            var info = result.GetTensorTypeAndShape();
            float[] converted = info.ElementDataType == TensorElementType.Float16
                ? MemoryMarshal.Cast<Float16, Half>(result.GetTensorDataAsSpan<Float16>()).ToArray().Select(h => (float)h).ToArray()
                : result.GetTensorDataAsSpan<float>().ToArray();
            return (converted, info.Shape);
        }
        finally
        {
            foreach (var value in values)
                value.Dispose();
        }
    }

    public static float MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        float worst = 0;
        for (int i = 0; i < a.Length; i++)
            worst = Math.Max(worst, Math.Abs(a[i] - b[i]));
        return worst;
    }

    /// <summary>Rolls an NCHW tensor by <paramref name="dy"/> rows and <paramref name="dx"/> columns, wrapping (numpy's roll).</summary>
    public static float[] Roll(float[] data, long[] shape, int dy, int dx)
    {
        int planes = (int)(shape[0] * shape[1]), h = (int)shape[2], w = (int)shape[3];
        var rolled = new float[data.Length];
        for (int p = 0; p < planes; p++)
        {
            for (int y = 0; y < h; y++)
            {
                for (int x = 0; x < w; x++)
                    rolled[(p * h + ((y + dy) % h + h) % h) * w + ((x + dx) % w + w) % w] = data[(p * h + y) * w + x];
            }
        }
        return rolled;
    }

    public static float[] RandomNormal(int count, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (float)(Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble()))).ToArray();
    }
}
