using System.Diagnostics;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// The VAE halves. Decoding writes ONNX Runtime's output straight into a destination tensor the caller owns, which
/// may wrap GPU-visible memory: that is the zero-copy seam to the Vulkan layer.
/// </summary>
public sealed class VaeCodec
{
    private readonly ModelSet _model;

    public VaeCodec(ModelSet model) => _model = model;

    public bool HasEncoder => _model.VaeEncoder is not null;

    /// <summary>Element type of the decoded image (the decoder's output type).</summary>
    public TensorElementType ImageType => _model.VaeDecoder.Outputs["sample"].ElementDataType;

    /// <summary>Decodes unscaled latents [1,4,h,w] into <paramref name="image"/> [1,3,8h,8w], values in about [-1, 1].</summary>
    public void Decode(ReadOnlySpan<float> latents, long[] latentShape, NativeTensor image, PipelineTimings timings, RunOptions runOptions)
    {
        if (image.Type != ImageType || image.Shape is not [1, 3, var h, var w] || h != latentShape[2] * 8 || w != latentShape[3] * 8)
            throw new ArgumentException($"destination must be a [1, 3, {latentShape[2] * 8}, {latentShape[3] * 8}] {ImageType} tensor", nameof(image));
        using var input = new NativeTensor(_model.VaeDecoder.Inputs["latent_sample"].ElementDataType, latentShape);
        var scaled = new float[latents.Length];
        TensorPrimitives.Multiply(latents, 1f / _model.VaeScalingFactor, scaled);
        input.Write(scaled);
        long t0 = Stopwatch.GetTimestamp();
        _model.VaeDecoder.Session.Run(runOptions, ["latent_sample"], [input.Value], ["sample"], [image.Value]);
        timings.AddOnnx(t0);
    }

    /// <summary>
    /// Decodes a latent that wraps in x: the latent is widened by <paramref name="context"/> columns from the opposite
    /// side on each edge, decoded, and the middle cropped into <paramref name="image"/>, so the convolutions at the
    /// seam see the same neighbourhood as anywhere else. The crop is one copy of the image; it cannot be avoided
    /// because the decoder writes the wider image.
    /// </summary>
    public void DecodeWrappingX(ReadOnlySpan<float> latents, long[] latentShape, int context, NativeTensor image, PipelineTimings timings, RunOptions runOptions)
    {
        int channels = (int)latentShape[1], height = (int)latentShape[2], width = (int)latentShape[3];
        context = Math.Min(context, width);
        int wide = width + 2 * context;
        var widened = new float[channels * height * wide];
        for (int row = 0; row < channels * height; row++)
        {
            var source = latents.Slice(row * width, width);
            var target = widened.AsSpan(row * wide, wide);
            source[(width - context)..].CopyTo(target);
            source.CopyTo(target[context..]);
            source[..context].CopyTo(target[(context + width)..]);
        }
        long[] wideShape = [1, channels, height, wide];
        using var wideImage = new NativeTensor(image.Type, 1, 3, height * 8, wide * 8);
        Decode(widened, wideShape, wideImage, timings, runOptions);

        int elementSize = NativeTensor.ElementSize(image.Type);
        int rowBytes = width * 8 * elementSize, wideRowBytes = wide * 8 * elementSize, skip = context * 8 * elementSize;
        var from = wideImage.AsSpan<byte>();
        var to = image.AsSpan<byte>();
        for (int row = 0; row < 3 * height * 8; row++)
            from.Slice(row * wideRowBytes + skip, rowBytes).CopyTo(to.Slice(row * rowBytes, rowBytes));
    }

    /// <summary>Encodes an RGBA8 image (width x height, rows top to bottom) into scaled latents for img2img.</summary>
    public float[] Encode(ReadOnlySpan<byte> rgba, int width, int height, PipelineTimings timings, RunOptions runOptions)
    {
        var encoder = _model.VaeEncoder ?? throw SeedtexException.Model($"model {_model.Name} has no vae_encoder/model.onnx, which img2img needs; use a model exported with its VAE encoder");
        if (rgba.Length != width * height * 4)
            throw SeedtexException.Argument($"init image has {rgba.Length} bytes; a {width}x{height} RGBA8 image has {width * height * 4}");
        int plane = width * height;
        var pixels = new float[3 * plane];
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
                pixels[c * plane + i] = rgba[i * 4 + c] / 127.5f - 1f;
        }
        using var input = new NativeTensor(encoder.Inputs["sample"].ElementDataType, 1, 3, height, width);
        input.Write(pixels);
        string outputName = _model.VaeEncoderOutput;
        int channels = outputName == "latent_parameters" ? 8 : 4;
        using var output = new NativeTensor(encoder.Outputs[outputName].ElementDataType, 1, channels, height / 8, width / 8);
        long t0 = Stopwatch.GetTimestamp();
        encoder.Session.Run(runOptions, ["sample"], [input.Value], [outputName], [output.Value]);
        timings.AddOnnx(t0);
        // Mean and log-variance come channel-major, so the first four channels are the mean.
        var latents = new float[output.ElementCount * 4 / channels];
        output.Read(latents);
        TensorPrimitives.Multiply(latents, _model.VaeScalingFactor, latents);
        return latents;
    }
}
