namespace Seedtex.Diffusion.Onnx;

/// <summary>ONNX Runtime execution providers Seedtex knows how to ask for, in the order it prefers them.</summary>
public enum ExecutionProvider
{
    Cuda,
    TensorRT,
    DirectML,
    CoreML,
    Cpu,
}

/// <summary>Maps <see cref="ExecutionProvider"/> to ONNX Runtime's provider names and parses user spellings.</summary>
public static class ExecutionProviders
{
    /// <summary>Fastest first; the CPU provider is always the last resort and is always present.</summary>
    public static IReadOnlyList<ExecutionProvider> DefaultPreference { get; } =
        [ExecutionProvider.Cuda, ExecutionProvider.TensorRT, ExecutionProvider.DirectML, ExecutionProvider.CoreML, ExecutionProvider.Cpu];

    public static string OrtName(this ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "CUDAExecutionProvider",
        ExecutionProvider.TensorRT => "TensorrtExecutionProvider",
        ExecutionProvider.DirectML => "DmlExecutionProvider",
        ExecutionProvider.CoreML => "CoreMLExecutionProvider",
        ExecutionProvider.Cpu => "CPUExecutionProvider",
        _ => throw new ArgumentOutOfRangeException(nameof(provider)),
    };

    public static ExecutionProvider Parse(string name) => name.Trim().ToUpperInvariant() switch
    {
        "CUDA" => ExecutionProvider.Cuda,
        "TENSORRT" or "TRT" => ExecutionProvider.TensorRT,
        "DIRECTML" or "DML" => ExecutionProvider.DirectML,
        "COREML" => ExecutionProvider.CoreML,
        "CPU" => ExecutionProvider.Cpu,
        _ => throw Core.SeedtexException.Argument($"unknown execution provider '{name}'; valid: cuda, tensorrt, directml, coreml, cpu"),
    };
}
