using System.Diagnostics;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>One timed stage of a generation: wall time, and the part of it spent inside ONNX Runtime.</summary>
public readonly record struct StageTiming(string Stage, TimeSpan Wall, TimeSpan InsideOnnx);

/// <summary>
/// Per-stage timings of one generation. The pipeline's own overhead is the total minus the time inside ONNX
/// Runtime calls; `seedtex bench` reports it against the 2% target.
/// </summary>
public sealed class PipelineTimings
{
    private readonly List<StageTiming> _stages = [];
    private readonly long _start = Stopwatch.GetTimestamp();
    private long _onnxTicks;
    private long _stageStart;
    private long _stageOnnxStart;

    public IReadOnlyList<StageTiming> Stages => _stages;
    public TimeSpan Total { get; private set; }
    public TimeSpan InsideOnnx => Stopwatch.GetElapsedTime(0, _onnxTicks);
    public TimeSpan Overhead => Total - InsideOnnx;

    public void BeginStage()
    {
        _stageStart = Stopwatch.GetTimestamp();
        _stageOnnxStart = _onnxTicks;
    }

    public void EndStage(string name)
    {
        long now = Stopwatch.GetTimestamp();
        _stages.Add(new StageTiming(name, Stopwatch.GetElapsedTime(_stageStart, now), Stopwatch.GetElapsedTime(0, _onnxTicks - _stageOnnxStart)));
    }

    /// <summary>Adds the ticks of one ONNX Runtime call measured by the caller.</summary>
    public void AddOnnx(long startTimestamp) => _onnxTicks += Stopwatch.GetTimestamp() - startTimestamp;

    public void Finish() => Total = Stopwatch.GetElapsedTime(_start);
}
