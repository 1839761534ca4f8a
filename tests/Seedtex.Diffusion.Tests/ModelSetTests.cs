using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

public class ModelSetTests
{
    [Theory]
    [InlineData("sd15", ModelFamily.StableDiffusion1, TensorElementType.Float, TensorElementType.Int64)]
    [InlineData("sd15-fp16", ModelFamily.StableDiffusion1, TensorElementType.Float16, TensorElementType.Int64)]
    [InlineData("sd21-v", ModelFamily.StableDiffusion2V, TensorElementType.Float, TensorElementType.Float)]
    [InlineData("sd-turbo", ModelFamily.SdTurbo, TensorElementType.Float, TensorElementType.Float)]
    [InlineData("sdxl-turbo", ModelFamily.SdxlTurbo, TensorElementType.Float, TensorElementType.Float)]
    [InlineData("lcm", ModelFamily.Lcm, TensorElementType.Float, TensorElementType.Float)]
    public void Detects_family_precision_and_timestep_type_from_config_and_graphs(string name, ModelFamily family, TensorElementType precision, TensorElementType timestep)
    {
        var model = TestModels.Get(name);
        Assert.Equal(family, model.Family);
        Assert.Equal(precision, model.Precision);
        Assert.Equal(timestep, model.TimestepType);
        Assert.True(model.UnetTakesBatch);
        Assert.Matches("^[0-9a-f]{64}$", model.Fingerprint);
        Assert.Contains(family.DisplayName(), model.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void Xl_model_has_both_encoders_and_its_own_latent_scale()
    {
        var model = TestModels.Get("sdxl-turbo");
        Assert.NotNull(model.TextEncoder2);
        Assert.NotNull(model.Tokenizer2);
        Assert.Equal(0.13025f, model.VaeScalingFactor);
        Assert.Equal(0.18215f, TestModels.Get("sd15").VaeScalingFactor);
    }

    [Fact]
    public void Fingerprint_changes_with_content_and_is_memoised_by_size_and_time()
    {
        string folder = TestModels.CopyToTemp("sd15");
        string first = ModelFingerprint.Compute(folder);
        Assert.True(File.Exists(Path.Combine(folder, ModelFingerprint.SidecarName)));
        Assert.Equal(first, ModelFingerprint.Compute(folder));

        string config = Path.Combine(folder, "scheduler", "scheduler_config.json");
        File.AppendAllText(config, " ");
        Assert.NotEqual(first, ModelFingerprint.Compute(folder));

        // Same content, different folder: same fingerprint (the memo is not part of the hash).
        Assert.Equal(ModelFingerprint.Compute(TestModels.CopyToTemp("sd15")), ModelFingerprint.Compute(TestModels.CopyToTemp("sd15")));
    }

    [Theory]
    [InlineData("unet/model.onnx")]
    [InlineData("tokenizer/merges.txt")]
    [InlineData("model_index.json")]
    public void Missing_file_is_named(string file)
    {
        string folder = TestModels.CopyToTemp("sd15");
        File.Delete(Path.Combine(folder, file));
        var e = Assert.Throws<SeedtexException>(() => ModelSet.Load(folder, TestModels.Cpu));
        Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
        Assert.Contains(file, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Truncated_and_non_onnx_files_are_invalid_models_naming_the_file()
    {
        string folder = TestModels.CopyToTemp("sd15");
        string unet = Path.Combine(folder, "unet", "model.onnx");
        byte[] bytes = File.ReadAllBytes(unet);
        File.WriteAllBytes(unet, bytes[..(bytes.Length / 3)]);
        var truncated = Assert.Throws<SeedtexException>(() => ModelSet.Load(folder, TestModels.Cpu));
        Assert.Equal(SeedtexErrorKind.InvalidModel, truncated.Kind);
        Assert.Contains(Path.Combine("unet", "model.onnx"), truncated.Message, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(folder, "unet", "model.onnx"), "this is not a protobuf");
        Assert.Equal(SeedtexErrorKind.InvalidModel, Assert.Throws<SeedtexException>(() => ModelSet.Load(folder, TestModels.Cpu)).Kind);
    }

    [Theory]
    [InlineData("unet_string_timestep", "input 'timestep' has type string; expected int64 or float32 or float16")]
    [InlineData("unet_no_hidden_states", "has no input 'encoder_hidden_states'")]
    [InlineData("unet_extra_input", "has input 'mask' that this pipeline does not feed")]
    public void Graph_that_does_not_fit_names_the_input_and_what_was_expected(string graph, string expected)
    {
        string folder = TestModels.CopyToTemp("sd15");
        File.Copy(RepoPaths.InRepo("tests", "models", "broken", graph + ".onnx"), Path.Combine(folder, "unet", "model.onnx"), overwrite: true);
        var e = Assert.Throws<SeedtexException>(() => ModelSet.Load(folder, TestModels.Cpu));
        Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.StartsWith("unet/model.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_folder_and_bad_json_are_invalid_models()
    {
        Assert.Equal(SeedtexErrorKind.InvalidModel, Assert.Throws<SeedtexException>(() => ModelSet.Load("/nonexistent/seedtex-model", TestModels.Cpu)).Kind);
        string folder = TestModels.CopyToTemp("sd15");
        File.WriteAllText(Path.Combine(folder, "model_index.json"), "{ not json");
        var e = Assert.Throws<SeedtexException>(() => ModelSet.Load(folder, TestModels.Cpu));
        Assert.Contains("model_index.json is not valid JSON", e.Message, StringComparison.Ordinal);
    }
}
