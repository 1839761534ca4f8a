using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// Runs the UNet once per denoising step with classifier-free guidance. Every buffer is allocated once per
/// generation, so the step loop does no allocation: one call at batch 2 where the graph takes it, else two calls
/// at batch 1; guidance of 1 or less skips the unconditional pass.
/// </summary>
public sealed class UnetRunner : IDisposable
{
    private readonly ModelSet _model;
    private readonly float _guidance;
    private readonly int _latentLength;
    private readonly List<Pass> _passes = [];
    private readonly NativeTensor _timestep;
    private readonly NativeTensor? _timeIds;
    private readonly NativeTensor? _timestepCond;
    private readonly float[] _cond;
    private readonly bool _guided;

    private sealed record Pass(NativeTensor Sample, NativeTensor Output, string[] InputNames, OrtValue[] Inputs, string[] OutputNames, OrtValue[] Outputs, IDisposable[] Owned) : IDisposable
    {
        public void Dispose()
        {
            Sample.Dispose();
            Output.Dispose();
            foreach (var o in Owned)
                o.Dispose();
        }
    }

    public UnetRunner(ModelSet model, TextConditioning text, float guidance, long[] latentShape)
    {
        _model = model;
        _guidance = guidance;
        _latentLength = (int)latentShape.Aggregate(1L, (a, b) => a * b);
        _cond = new float[_latentLength];
        int textBatch = text.Batch;
        _guided = textBatch == 2;
        int timestepBatch = model.TimestepBatch ?? 1;
        _timestep = model.Unet.Inputs["timestep"].Dimensions.Length == 0 ? new NativeTensor(model.TimestepType) : new NativeTensor(model.TimestepType, timestepBatch);

        int height = (int)latentShape[2] * 8, width = (int)latentShape[3] * 8;
        if (model.Unet.HasInput("time_ids"))
        {
            // SDXL micro-conditioning: original size, crop top-left, target size.
            _timeIds = new NativeTensor(model.Precision, textBatch, 6);
            for (int b = 0; b < textBatch; b++)
                _timeIds.Write([height, width, 0, 0, height, width], b * 6);
        }
        if (model.Unet.HasInput("timestep_cond"))
        {
            int dim = model.Unet.StaticDim("timestep_cond", 1) ?? 256;
            _timestepCond = new NativeTensor(model.Precision, textBatch, dim);
            float[] embedding = GuidanceEmbedding(guidance - 1f, dim);
            for (int b = 0; b < textBatch; b++)
                _timestepCond.Write(embedding, (long)b * dim);
        }

        if (textBatch == 1 || model.UnetTakesBatch)
        {
            _passes.Add(CreatePass(text, textBatch, 0, latentShape));
        }
        else
        {
            for (int b = 0; b < textBatch; b++)
                _passes.Add(CreatePass(text, 1, b, latentShape));
        }
    }


    /// <summary>
    /// Predicts noise for the scaled model input at <paramref name="timestep"/> and writes the guided prediction
    /// (uncond + g * (cond - uncond)) into <paramref name="prediction"/>.
    /// </summary>
    public void Predict(ReadOnlySpan<float> scaledInput, float timestep, Span<float> prediction, PipelineTimings timings, RunOptions runOptions)
    {
        _timestep.Fill(timestep);
        foreach (var pass in _passes)
        {
            for (int b = 0; b < pass.Sample.Shape[0]; b++)
                pass.Sample.Write(scaledInput, (long)b * _latentLength);
            long t0 = Stopwatch.GetTimestamp();
            _model.Unet.Session.Run(runOptions, pass.InputNames, pass.Inputs, pass.OutputNames, pass.Outputs);
            timings.AddOnnx(t0);
        }

        if (!_guided)
        {
            _passes[0].Output.Read(prediction[.._latentLength]);
            return;
        }
        // uncond is row 0, cond row 1, in one pass or two.
        ReadRow(0, prediction);
        ReadRow(1, _cond);
        TensorPrimitives.Subtract(_cond, prediction, _cond);
        TensorPrimitives.MultiplyAdd(_cond, _guidance, prediction, prediction);
    }

    private void ReadRow(int row, Span<float> destination)
    {
        var output = _passes.Count == 1 ? _passes[0].Output : _passes[row].Output;
        long offset = _passes.Count == 1 ? (long)row * _latentLength : 0;
        output.Read(destination[.._latentLength], offset);
    }

    private Pass CreatePass(TextConditioning text, int batch, int row, long[] latentShape)
    {
        long[] shape = [batch, latentShape[1], latentShape[2], latentShape[3]];
        var sample = new NativeTensor(_model.Precision, shape);
        var output = new NativeTensor(_model.Unet.Outputs.Values.First().ElementDataType, shape);
        var owned = new List<IDisposable>();
        var names = new List<string> { "sample", "timestep", "encoder_hidden_states" };
        var values = new List<OrtValue> { sample.Value, _timestep.Value, Rows(text.HiddenStates, batch, row, owned) };
        if (text.Pooled is not null)
        {
            names.Add("text_embeds");
            values.Add(Rows(text.Pooled, batch, row, owned));
        }
        if (_timeIds is not null)
        {
            names.Add("time_ids");
            values.Add(Rows(_timeIds, batch, row, owned));
        }
        if (_timestepCond is not null)
        {
            names.Add("timestep_cond");
            values.Add(Rows(_timestepCond, batch, row, owned));
        }
        return new Pass(sample, output, [.. names], [.. values], [_model.Unet.Outputs.Keys.First()], [output.Value], [.. owned]);
    }

    /// <summary>The whole tensor, or a view of one batch row of it (no copy) for two-call guidance.</summary>
    private static OrtValue Rows(NativeTensor tensor, int batch, int row, List<IDisposable> owned)
    {
        if (batch == tensor.Shape[0])
            return tensor.Value;
        long[] shape = [.. tensor.Shape];
        shape[0] = batch;
        long rowBytes = tensor.ByteCount / tensor.Shape[0];
        var view = new NativeTensor(tensor.Type, shape, tensor.Pointer + (nint)(rowBytes * row), rowBytes * batch);
        owned.Add(view);
        return view.Value;
    }

    /// <summary>LCM's guidance-scale embedding: sinusoidal features of w * 1000 (sin half, then cos half).</summary>
    private static float[] GuidanceEmbedding(float w, int dim)
    {
        var result = new float[dim];
        int half = dim / 2;
        double scale = Math.Log(10000.0) / (half - 1);
        for (int i = 0; i < half; i++)
        {
            double angle = w * 1000.0 * Math.Exp(-scale * i);
            result[i] = (float)Math.Sin(angle);
            result[half + i] = (float)Math.Cos(angle);
        }
        return result;
    }

    public void Dispose()
    {
        foreach (var p in _passes)
            p.Dispose();
        _timestep.Dispose();
        _timeIds?.Dispose();
        _timestepCond?.Dispose();
    }
}
