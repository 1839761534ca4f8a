using Seedtex.Core;
using Seedtex.Diffusion.Tiling;
using Seedtex.Diffusion.Tiling.OnnxFormat;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests.Tiling;

/// <summary>
/// The rewrite on the SD-shaped test models. A network whose convolutions all wrap commutes with rolling its input:
/// decoding a latent rolled by k columns gives the image of the unrolled latent rolled by 8k columns. Zero padding
/// breaks that at the edges, so the check fails without the rewrite.
/// </summary>
public class TilingModelTests
{
    private const int LatentSize = 8;

    public static TheoryData<string, PadForm> ModelsAndForms()
    {
        var data = new TheoryData<string, PadForm>();
        foreach (string model in new[] { "sd15", "sd-turbo", "sdxl-turbo", "sd15-fp16" })
        {
            foreach (var form in Enum.GetValues<PadForm>())
                data.Add(model, form);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ModelsAndForms))]
    public void Every_padded_conv_in_unet_and_vae_is_rewritten_and_still_loads(string name, PadForm form)
    {
        foreach (string component in SeamlessVariants.Components)
        {
            var model = OnnxModelFile.Load(Path.Combine(TestModels.Folder(name), component, "model.onnx"));
            int padded = model.Graph.Node.Count(n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "pads" && a.Ints.Any(p => p != 0)));

            Assert.Equal(padded, GraphRewriter.MakeSeamless(model, TileAxes.XY, form, component));
            Assert.Equal(component == "unet" ? 14 : 7, padded);
            Assert.DoesNotContain(model.Graph.Node, n => n.OpType == "Conv" && n.Attribute.Any(a => a.Name == "pads" && a.Ints.Any(p => p != 0)));
            Assert.Equal(form == PadForm.WrapPad ? padded : 0, model.Graph.Node.Count(n => n.OpType == "Pad"));
            Assert.Equal(form == PadForm.SliceConcat ? 2 * padded : 0, model.Graph.Node.Count(n => n.OpType == "Concat" && n.Name.Contains("seedtex_wrap", StringComparison.Ordinal)));
            using var session = TilingGraphs.Open(model);
        }
    }

    [Theory]
    [MemberData(nameof(ModelsAndForms))]
    public void Seamless_decoder_commutes_with_rolling_the_latent(string name, PadForm form)
    {
        var model = OnnxModelFile.Load(Path.Combine(TestModels.Folder(name), "vae_decoder", "model.onnx"));
        // float16 models round every output to about 1e-3.
        AssertSeamlessDecoderCommutesWithRolls(model, form, name == "sd15-fp16" ? 4e-3f : 1e-4f);
    }

    public static TheoryData<PadForm> Forms() => [.. Enum.GetValues<PadForm>()];

    /// <summary>
    /// seedtex-tiny stores its weights as float16, each behind a Cast to float32 (a form none of the test models
    /// has; tensors under 1,024 values stay float32): the convs read their weights through those Casts, and the
    /// rewrite still makes the decoder wrap.
    /// </summary>
    [Theory]
    [MemberData(nameof(Forms))]
    public void Embedded_model_with_float16_weights_behind_casts_gets_a_decoder_that_commutes_with_rolls(PadForm form)
    {
        var model = OnnxModelFile.Load(RepoPaths.InRepo("plugin", "models", "seedtex-tiny", "vae_decoder", "model.onnx"));
        var halfWeights = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float16).Select(t => t.Name).ToHashSet();
        var castOutputs = model.Graph.Node.Where(n => n.OpType == "Cast" && halfWeights.Contains(n.Input[0])).Select(n => n.Output[0]).ToHashSet();
        var smallWeights = model.Graph.Initializer.Where(t => t.DataType == (int)TensorProto.Types.DataType.Float && t.Dims.Aggregate(1L, (n, d) => n * d) < 1024)
            .Select(t => t.Name).ToHashSet();
        var convs = model.Graph.Node.Where(n => n.OpType == "Conv").ToList();
        Assert.Equal(halfWeights.Count, castOutputs.Count);
        Assert.All(convs, conv => Assert.True(castOutputs.Contains(conv.Input[1]) || smallWeights.Contains(conv.Input[1]), conv.Name));
        Assert.True(convs.Count(conv => castOutputs.Contains(conv.Input[1])) >= convs.Count - 1, "only the 3-channel output conv is small enough to stay float32");

        AssertSeamlessDecoderCommutesWithRolls(model, form, 1e-4f);
    }

    [Fact]
    public void Decoder_tiled_only_in_x_commutes_with_x_rolls_but_not_y_rolls()
    {
        var model = OnnxModelFile.Load(Path.Combine(TestModels.Folder("sd15"), "vae_decoder", "model.onnx"));
        GraphRewriter.MakeSeamless(model, TileAxes.X, PadForm.SliceConcat, "vae_decoder");
        using var session = TilingGraphs.Open(model);

        Assert.True(RollError(session, dy: 0, dx: 3).Worst < 1e-4f);
        Assert.True(RollError(session, dy: 2, dx: 0).Worst > 1e-2f);
    }

    [Fact]
    public void Unmodified_decoder_does_not_commute_with_rolls()
    {
        // Shows the roll check can fail: zero padding makes the edges differ.
        using var session = TilingGraphs.Open(Path.Combine(TestModels.Folder("sd15"), "vae_decoder", "model.onnx"));
        Assert.True(RollError(session, dy: 3, dx: 5).Worst > 1e-2f);
    }

    [Fact]
    public void Seamless_unet_and_encoder_commute_with_rolls()
    {
        string folder = TestModels.Folder("sd15");
        var unet = OnnxModelFile.Load(Path.Combine(folder, "unet", "model.onnx"));
        GraphRewriter.MakeSeamless(unet, TileAxes.XY, PadForm.WrapPad, "unet");
        using var unetSession = TilingGraphs.Open(unet);
        long[] sampleShape = [1, 4, LatentSize, LatentSize];
        var sample = TilingGraphs.RandomNormal(4 * LatentSize * LatentSize, 7);
        var text = TilingGraphs.RandomNormal(77 * 32, 8);
        float[] RunUnet(float[] s) => TilingGraphs.RunWithInt64(unetSession,
            [("sample", s, sampleShape), ("encoder_hidden_states", text, [1, 77, 32])], ("timestep", [500L], [1])).Values;
        // The UNet halves the latent once, so only even rolls commute with it.
        var rolledFirst = RunUnet(TilingGraphs.Roll(sample, sampleShape, 2, 4));
        var rolledAfter = TilingGraphs.Roll(RunUnet(sample), sampleShape, 2, 4);
        Assert.True(TilingGraphs.MaxAbsDifference(rolledAfter, rolledFirst) < 1e-4f);

        var encoder = OnnxModelFile.Load(Path.Combine(folder, "vae_encoder", "model.onnx"));
        GraphRewriter.MakeSeamless(encoder, TileAxes.XY, PadForm.SliceConcat, "vae_encoder");
        using var encoderSession = TilingGraphs.Open(encoder);
        long[] imageShape = [1, 3, 64, 64];
        var image = TilingGraphs.RandomNormal(3 * 64 * 64, 9);
        var (latent, latentShape) = TilingGraphs.Run(encoderSession, ("sample", image, imageShape));
        var (latentOfRolled, _) = TilingGraphs.Run(encoderSession, ("sample", TilingGraphs.Roll(image, imageShape, 16, 24), imageShape));
        Assert.True(TilingGraphs.MaxAbsDifference(TilingGraphs.Roll(latent, latentShape, 2, 3), latentOfRolled) < 1e-4f);
    }

    [Fact]
    public void Model_with_external_data_is_rewritten_without_reading_the_weights()
    {
        var model = TilingGraphs.Load(Path.Combine("external", "model.onnx"));
        Assert.All(model.Graph.Initializer, t => Assert.True(t.DataLocation == TensorProto.Types.DataLocation.External && t.RawData.IsEmpty));
        Assert.Equal(["weights.bin"], OnnxModelFile.ExternalDataLocations(model));

        GraphRewriter.MakeSeamless(model, TileAxes.XY, PadForm.WrapPad, "unet");

        // Still references only: the weights stay in weights.bin.
        Assert.All(model.Graph.Initializer.Where(t => !t.Name.StartsWith("seedtex", StringComparison.Ordinal)),
            t => Assert.True(t.RawData.IsEmpty));
    }

    private static void AssertSeamlessDecoderCommutesWithRolls(ModelProto decoder, PadForm form, float tolerance)
    {
        GraphRewriter.MakeSeamless(decoder, TileAxes.XY, form, "vae_decoder");
        using var session = TilingGraphs.Open(decoder);

        var (shift, worst) = RollError(session, dy: 3, dx: 5);
        Assert.True(worst < tolerance, $"rolled decode differs by {worst}");
        Assert.True(shift > 0.05f, "the test latent is too flat to show a roll");
    }

    /// <summary>Max |decode(roll(L)) - roll(decode(L))| and how far a roll moves the decode at all.</summary>
    private static (float Shift, float Worst) RollError(Microsoft.ML.OnnxRuntime.InferenceSession session, int dy, int dx)
    {
        long[] latentShape = [1, 4, LatentSize, LatentSize];
        var latent = TilingGraphs.RandomNormal(4 * LatentSize * LatentSize, 42);
        var (image, imageShape) = TilingGraphs.Run(session, ("latent_sample", latent, latentShape));
        var (ofRolled, _) = TilingGraphs.Run(session, ("latent_sample", TilingGraphs.Roll(latent, latentShape, dy, dx), latentShape));
        var rolledImage = TilingGraphs.Roll(image, imageShape, 8 * dy, 8 * dx);
        return (TilingGraphs.MaxAbsDifference(image, rolledImage), TilingGraphs.MaxAbsDifference(rolledImage, ofRolled));
    }
}
