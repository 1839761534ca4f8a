using Microsoft.ML.OnnxRuntime;
using Seedtex.Core;

namespace Seedtex.Diffusion.Onnx;

/// <summary>How ONNX Runtime sessions are made: the one place that sets providers, threads and optimisation.</summary>
public sealed record SessionSettings
{
    /// <summary>Providers to try, best first. Unavailable ones are skipped with a log line; CPU is always appended.</summary>
    public IReadOnlyList<ExecutionProvider> Providers { get; init; } = ExecutionProviders.DefaultPreference;

    /// <summary>Intra-op threads; 0 means one per core. Results are repeatable for a fixed thread count and provider.</summary>
    public int Threads { get; init; }

    public int DeviceId { get; init; }

    /// <summary>Receives one line per decision worth knowing (provider fallback).</summary>
    public Action<string>? Log { get; init; }
}

/// <summary>Creates <see cref="InferenceSession"/>s with the chosen execution provider and validates the file first.</summary>
public sealed class SessionFactory
{
    private readonly SessionSettings _settings;
    private readonly Lazy<ExecutionProvider> _provider;

    public SessionFactory(SessionSettings settings)
    {
        _settings = settings;
        _provider = new Lazy<ExecutionProvider>(ChooseProvider);
    }

    /// <summary>The provider sessions run on, after fallback.</summary>
    public ExecutionProvider Provider => _provider.Value;

    public int Threads => _settings.Threads > 0 ? _settings.Threads : Environment.ProcessorCount;

    public InferenceSession Open(string onnxPath)
    {
        using var options = CreateOptions();
        try
        {
            return new InferenceSession(onnxPath, options);
        }
        catch (OnnxRuntimeException e)
        {
            throw SeedtexException.Model($"{onnxPath} is not a loadable ONNX model ({FirstLine(e.Message)}); re-export it or replace the file", e);
        }
    }

    private SessionOptions CreateOptions()
    {
        var options = new SessionOptions
        {
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
            IntraOpNumThreads = Threads,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
        };
        switch (Provider)
        {
            case ExecutionProvider.Cuda:
                options.AppendExecutionProvider_CUDA(_settings.DeviceId);
                break;
            case ExecutionProvider.TensorRT:
                options.AppendExecutionProvider_Tensorrt(_settings.DeviceId);
                options.AppendExecutionProvider_CUDA(_settings.DeviceId);
                break;
            case ExecutionProvider.DirectML:
                options.AppendExecutionProvider("DML", new Dictionary<string, string> { ["device_id"] = _settings.DeviceId.ToString(System.Globalization.CultureInfo.InvariantCulture) });
                break;
            case ExecutionProvider.CoreML:
                options.AppendExecutionProvider("CoreML", new Dictionary<string, string>());
                break;
        }
        return options;
    }

    private ExecutionProvider ChooseProvider()
    {
        var available = new HashSet<string>(OrtEnv.Instance().GetAvailableProviders(), StringComparer.Ordinal);
        foreach (var wanted in _settings.Providers)
        {
            if (available.Contains(wanted.OrtName()))
                return wanted;
            _settings.Log?.Invoke($"execution provider {wanted} is not in this ONNX Runtime build; trying the next");
        }
        _settings.Log?.Invoke("falling back to the CPU execution provider");
        return ExecutionProvider.Cpu;
    }

    private static string FirstLine(string text)
    {
        int newline = text.IndexOf('\n', StringComparison.Ordinal);
        return newline < 0 ? text : text[..newline];
    }
}
