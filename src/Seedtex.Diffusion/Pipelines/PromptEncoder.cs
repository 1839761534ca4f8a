using System.Diagnostics;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// Turns a prompt and negative prompt into <see cref="TextConditioning"/>. Prompts longer than one 77-token window
/// are split into windows whose embeddings are concatenated along the sequence (as AUTOMATIC1111 does) when the
/// model's sequence axis is dynamic, and truncated otherwise. SDXL concatenates both encoders' penultimate hidden
/// states and takes the pooled embedding from the second encoder.
/// </summary>
public sealed class PromptEncoder
{
    private readonly ModelSet _model;

    public PromptEncoder(ModelSet model) => _model = model;

    public LongPromptPolicy Policy => _model.SupportsLongPrompts ? LongPromptPolicy.Chunk : LongPromptPolicy.Truncate;

    public TextConditioning Encode(string prompt, string negativePrompt, bool withUnconditional, PipelineTimings timings, RunOptions runOptions)
    {
        var encoders = new List<(ClipTokenizer Tokenizer, OnnxComponent Encoder, bool Xl)> { (_model.Tokenizer, _model.TextEncoder, _model.IsXl) };
        if (_model.TextEncoder2 is not null && _model.Tokenizer2 is not null)
            encoders.Add((_model.Tokenizer2, _model.TextEncoder2, true));

        timings.BeginStage();
        var cond = encoders.Select(e => e.Tokenizer.Tokenize(prompt, Policy)).ToList();
        var uncond = encoders.Select(e => e.Tokenizer.Tokenize(negativePrompt, Policy)).ToList();
        timings.EndStage("tokenize");
        timings.BeginStage();
        int chunks = Math.Max(cond.Max(t => t.ChunkCount), withUnconditional ? uncond.Max(t => t.ChunkCount) : 1);
        int window = _model.Tokenizer.MaxLength;
        int batch = withUnconditional ? 2 : 1;
        // SDXL's config asks for zero embeddings when the negative prompt is empty (force_zeros_for_empty_prompt).
        bool zeroUnconditional = _model.IsXl && string.IsNullOrWhiteSpace(negativePrompt);

        var hidden = new List<float[]>();
        int totalDim = 0;
        float[]? pooledCond = null, pooledUncond = null;
        for (int e = 0; e < encoders.Count; e++)
        {
            var (tokenizer, encoder, xl) = encoders[e];
            var ids = new List<int>();
            if (withUnconditional)
                ids.AddRange(Pad(uncond[e].Ids, chunks, window, tokenizer));
            ids.AddRange(Pad(cond[e].Ids, chunks, window, tokenizer));
            var (states, dim, pooled) = RunEncoder(encoder, ids, batch * chunks, window, xl, timings, runOptions);
            hidden.Add(states);
            totalDim += dim;
            if (pooled is not null && e == encoders.Count - 1)
            {
                int p = pooled.Length / (batch * chunks);
                // The first window's pooled vector stands for the prompt, as in AUTOMATIC1111.
                pooledCond = pooled.AsSpan(((batch - 1) * chunks) * p, p).ToArray();
                pooledUncond = withUnconditional ? pooled.AsSpan(0, p).ToArray() : null;
            }
        }

        int sequence = chunks * window;
        var hiddenTensor = new NativeTensor(_model.Precision, batch, sequence, totalDim);
        var row = new float[totalDim];
        for (int b = 0; b < batch; b++)
        {
            bool zero = zeroUnconditional && withUnconditional && b == 0;
            for (int s = 0; s < sequence; s++)
            {
                int offset = 0;
                foreach (float[] states in hidden)
                {
                    int dim = states.Length / (batch * sequence);
                    if (zero)
                        Array.Clear(row, offset, dim);
                    else
                        states.AsSpan((b * sequence + s) * dim, dim).CopyTo(row.AsSpan(offset));
                    offset += dim;
                }
                hiddenTensor.Write(row, ((long)b * sequence + s) * totalDim);
            }
        }

        NativeTensor? pooledTensor = null;
        if (pooledCond is not null)
        {
            pooledTensor = new NativeTensor(_model.Precision, batch, pooledCond.Length);
            if (withUnconditional)
                pooledTensor.Write(zeroUnconditional ? new float[pooledCond.Length] : pooledUncond!, 0);
            pooledTensor.Write(pooledCond, (batch - 1) * pooledCond.Length);
        }
        timings.EndStage("text encoder");
        bool truncated = cond.Any(t => t.Truncated) || (withUnconditional && uncond.Any(t => t.Truncated));
        return new TextConditioning(hiddenTensor, pooledTensor, withUnconditional, truncated);
    }

    /// <summary>Appends empty windows (start, end, padding) so both prompts have the same number of windows.</summary>
    private static IEnumerable<int> Pad(ReadOnlyMemory<int> ids, int chunks, int window, ClipTokenizer tokenizer)
    {
        for (int i = 0; i < ids.Length; i++)
            yield return ids.Span[i];
        for (int c = ids.Length / window; c < chunks; c++)
        {
            yield return tokenizer.StartTokenId;
            yield return tokenizer.EndTokenId;
            for (int i = 2; i < window; i++)
                yield return tokenizer.PadTokenId;
        }
    }

    private static (float[] States, int Dim, float[]? Pooled) RunEncoder(OnnxComponent encoder, List<int> ids, int rows, int window, bool penultimate, PipelineTimings timings, RunOptions runOptions)
    {
        var idType = encoder.Inputs["input_ids"].ElementDataType;
        bool batched = encoder.StaticDim("input_ids", 0) is null;
        string statesName = penultimate ? PenultimateName(encoder) : "last_hidden_state";
        bool wantPooled = encoder.Outputs.ContainsKey("text_embeds");
        string[] outputs = wantPooled ? [statesName, "text_embeds"] : [statesName];

        float[]? states = null, pooled = null;
        int dim = 0;
        int step = batched ? rows : 1;
        for (int start = 0; start < rows; start += step)
        {
            using var input = new NativeTensor(idType, step, window);
            for (int i = 0; i < step * window; i++)
            {
                if (idType == TensorElementType.Int64)
                    input.AsSpan<long>()[i] = ids[start * window + i];
                else
                    input.AsSpan<int>()[i] = ids[start * window + i];
            }
            long t0 = Stopwatch.GetTimestamp();
            using var results = encoder.Session.Run(runOptions, ["input_ids"], [input.Value], outputs);
            timings.AddOnnx(t0);
            var stateValue = results[0];
            long[] shape = stateValue.GetTensorTypeAndShape().Shape;
            dim = (int)shape[2];
            states ??= new float[rows * window * dim];
            CopyFloats(stateValue, states.AsSpan(start * window * dim, step * window * dim));
            if (wantPooled)
            {
                int p = (int)results[1].GetTensorTypeAndShape().Shape[1];
                pooled ??= new float[rows * p];
                CopyFloats(results[1], pooled.AsSpan(start * p, step * p));
            }
        }
        return (states!, dim, pooled);
    }

    private static string PenultimateName(OnnxComponent encoder)
    {
        int last = encoder.Outputs.Keys
            .Where(n => n.StartsWith("hidden_states.", StringComparison.Ordinal))
            .Select(n => int.TryParse(n.AsSpan("hidden_states.".Length), out int i) ? i : -1)
            .DefaultIfEmpty(-1).Max();
        if (last < 1)
            throw Core.SeedtexException.Model($"{encoder.Name}/model.onnx has no hidden_states.N outputs; SDXL needs the penultimate layer (export with output_hidden_states)");
        return $"hidden_states.{last - 1}";
    }

    private static void CopyFloats(OrtValue value, Span<float> destination)
    {
        if (value.GetTensorTypeAndShape().ElementDataType == TensorElementType.Float16)
            System.Numerics.Tensors.TensorPrimitives.ConvertToSingle(System.Runtime.InteropServices.MemoryMarshal.Cast<Float16, Half>(value.GetTensorDataAsSpan<Float16>()), destination);
        else
            value.GetTensorDataAsSpan<float>().CopyTo(destination);
    }
}
