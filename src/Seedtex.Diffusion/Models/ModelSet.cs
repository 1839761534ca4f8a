using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Schedulers;
using Seedtex.Diffusion.Tiling;

namespace Seedtex.Diffusion.Models;

/// <summary>
/// A model folder in the diffusers ONNX layout, loaded and checked: tokenizers, sessions for each graph, the family
/// and its defaults, the precision and the exact input types the pipeline must feed. Anything a real export of
/// SD 1.x/2.x, SD-Turbo, SDXL(-Turbo) or LCM may differ in (timestep dtype and shape, float16, batch handling) is
/// read from the graphs here, once, so the pipeline never guesses.
/// </summary>
public sealed class ModelSet : IDisposable
{
    private static readonly TensorElementType[] FloatTypes = [TensorElementType.Float, TensorElementType.Float16];
    private static readonly TensorElementType[] TokenTypes = [TensorElementType.Int32, TensorElementType.Int64];
    private static readonly TensorElementType[] TimestepTypes = [TensorElementType.Int64, TensorElementType.Float, TensorElementType.Float16];

    private readonly List<OnnxComponent> _components = [];

    private readonly SessionSettings _settings;
    private readonly string? _cacheRoot;

    private ModelSet(string folder, ModelConfig config, string fingerprint, SessionFactory sessions, SessionSettings settings, TileAxes tiling, string graphFolder, string? cacheRoot)
    {
        _settings = settings;
        _cacheRoot = cacheRoot;
        Folder = folder;
        Tiling = tiling;
        GraphFolder = graphFolder;
        Config = config;
        Fingerprint = fingerprint;
        Provider = sessions.Provider;
        Threads = sessions.Threads;
    }

    public string Folder { get; }

    /// <summary>Axes the UNet and VAE wrap around (seamless tiling); None for the model as exported.</summary>
    public TileAxes Tiling { get; }

    /// <summary>Where unet, vae_decoder and vae_encoder are loaded from: <see cref="Folder"/>, or its seamless variant.</summary>
    public string GraphFolder { get; }
    public string Name => Path.GetFileName(Path.TrimEndingDirectorySeparator(Folder));
    public ModelConfig Config { get; }
    public string Fingerprint { get; }
    public ExecutionProvider Provider { get; }
    public int Threads { get; }
    public ModelFamily Family { get; private set; }
    public GenerationDefaults Defaults { get; private set; } = null!;
    public SchedulerConfig SchedulerConfig { get; private set; } = null!;

    public ClipTokenizer Tokenizer { get; private set; } = null!;
    public ClipTokenizer? Tokenizer2 { get; private set; }
    public OnnxComponent TextEncoder { get; private set; } = null!;
    public OnnxComponent? TextEncoder2 { get; private set; }
    public OnnxComponent Unet { get; private set; } = null!;
    public OnnxComponent VaeDecoder { get; private set; } = null!;
    public OnnxComponent? VaeEncoder { get; private set; }

    /// <summary>float32 or float16: the type of the UNet's sample (and so of the whole model's float tensors).</summary>
    public TensorElementType Precision { get; private set; }
    public TensorElementType TimestepType { get; private set; }
    /// <summary>Static batch size the timestep input demands, or null when shape [1] may be fed at any batch.</summary>
    public int? TimestepBatch { get; private set; }
    /// <summary>True when the UNet takes batch 2, so guidance runs in one call instead of two.</summary>
    public bool UnetTakesBatch { get; private set; }
    /// <summary>True when the text sequence length is dynamic, so prompts over 77 tokens can be chunked.</summary>
    public bool SupportsLongPrompts { get; private set; }
    public float VaeScalingFactor { get; private set; }
    /// <summary>
    /// The VAE encoder's output: "latent_sample" (a latent, as the diffusers converter exports it) or
    /// "latent_parameters" (mean then log-variance, as newer optimum exports it; the pipeline takes the mean).
    /// </summary>
    public string VaeEncoderOutput { get; private set; } = "latent_sample";
    public int OutputSizeMultiple => 8;

    public static Task<ModelSet> LoadAsync(string folder, SessionSettings settings, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(folder, settings), cancellationToken);

    public static Task<ModelSet> LoadAsync(string folder, SessionSettings settings, TileAxes tiling, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(folder, settings, tiling), cancellationToken);

    public static ModelSet Load(string folder, SessionSettings settings) => Load(folder, settings, TileAxes.None);

    /// <summary>
    /// Loads the model with its UNet and VAE rewritten to wrap around <paramref name="tiling"/> (see
    /// <see cref="SeamlessVariants"/>; made once per model and axes under <paramref name="cacheRoot"/>, default
    /// $SEEDTEX_CACHE or ~/.cache/seedtex). The fingerprint stays the original model's.
    /// </summary>
    public static ModelSet Load(string folder, SessionSettings settings, TileAxes tiling, string? cacheRoot = null)
    {
        folder = Path.GetFullPath(folder);
        if (!Directory.Exists(folder))
            throw SeedtexException.Model($"model folder {folder} does not exist; pass --model with a folder in the diffusers ONNX layout");
        RequireFiles(folder);
        var config = ModelConfig.Load(folder);
        var sessions = new SessionFactory(settings);
        string fingerprint = ModelFingerprint.Compute(folder);
        string graphFolder = SeamlessVariants.GetOrCreate(folder, fingerprint, tiling, SeamlessVariants.FormFor(sessions.Provider), cacheRoot);
        var model = new ModelSet(folder, config, fingerprint, sessions, settings, tiling, graphFolder, cacheRoot);
        try
        {
            model.Open(sessions);
            return model;
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    /// <summary>The same model, with the same session settings, loaded again for another tiling (new sessions; the caller disposes it).</summary>
    public ModelSet LoadWithTiling(TileAxes tiling) => Load(Folder, _settings, tiling, _cacheRoot);

    private static void RequireFiles(string folder)
    {
        string[] required =
        [
            "model_index.json", "scheduler/scheduler_config.json", "tokenizer/vocab.json", "tokenizer/merges.txt",
            "text_encoder/model.onnx", "unet/model.onnx", "vae_decoder/model.onnx",
        ];
        var missing = required.Where(f => !File.Exists(Path.Combine(folder, f))).ToList();
        if (Directory.Exists(Path.Combine(folder, "text_encoder_2")))
            missing.AddRange(new[] { "text_encoder_2/model.onnx", "tokenizer_2/vocab.json", "tokenizer_2/merges.txt" }.Where(f => !File.Exists(Path.Combine(folder, f))));
        if (missing.Count > 0)
            throw SeedtexException.Model($"model folder {folder} is missing {string.Join(", ", missing)}; a diffusers ONNX export has them");
    }

    private void Open(SessionFactory sessions)
    {
        SchedulerConfig = SchedulerConfig.FromJson(Config.SchedulerJson);
        Tokenizer = ClipTokenizer.Load(Path.Combine(Folder, "tokenizer"));
        TextEncoder = Add(OnnxComponent.Open(Folder, "text_encoder", sessions));
        Unet = Add(OnnxComponent.Open(GraphFolder, "unet", sessions));
        VaeDecoder = Add(OnnxComponent.Open(GraphFolder, "vae_decoder", sessions));
        if (File.Exists(Path.Combine(GraphFolder, "vae_encoder", "model.onnx")))
            VaeEncoder = Add(OnnxComponent.Open(GraphFolder, "vae_encoder", sessions));
        if (Directory.Exists(Path.Combine(Folder, "text_encoder_2")))
        {
            Tokenizer2 = ClipTokenizer.Load(Path.Combine(Folder, "tokenizer_2"));
            TextEncoder2 = Add(OnnxComponent.Open(Folder, "text_encoder_2", sessions));
        }

        CheckGraphs();
        Family = DetectFamily();
        var familyDefaults = GenerationDefaults.For(Family);
        var own = Config.Defaults;
        Defaults = own is null ? familyDefaults : new GenerationDefaults(
            own.Steps > 0 ? own.Steps : familyDefaults.Steps,
            float.IsFinite(own.Guidance) ? own.Guidance : familyDefaults.Guidance,
            own.Scheduler.Length > 0 ? own.Scheduler : familyDefaults.Scheduler,
            own.Size > 0 ? own.Size : familyDefaults.Size);
        VaeScalingFactor = Config.VaeScalingFactor ?? (IsXl ? 0.13025f : 0.18215f);
    }

    public bool IsXl => Family is ModelFamily.Sdxl or ModelFamily.SdxlTurbo;

    private OnnxComponent Add(OnnxComponent component)
    {
        _components.Add(component);
        return component;
    }

    private void CheckGraphs()
    {
        foreach (var encoder in new[] { TextEncoder, TextEncoder2 })
        {
            if (encoder is null)
                continue;
            encoder.RequireInput("input_ids", TokenTypes, 2);
            encoder.RejectUnknownInputs("input_ids");
            encoder.RequireOutput("last_hidden_state", FloatTypes, 3);
        }

        Precision = Unet.RequireInput("sample", FloatTypes, 4);
        TimestepType = Unet.RequireInput("timestep", TimestepTypes, 0, 1);
        Unet.RequireInput("encoder_hidden_states", FloatTypes, 3);
        bool xlInputs = Unet.HasInput("text_embeds") || Unet.HasInput("time_ids");
        if (xlInputs || TextEncoder2 is not null)
        {
            Unet.RequireInput("text_embeds", FloatTypes, 2);
            Unet.RequireInput("time_ids", FloatTypes, 2);
            if (TextEncoder2 is null)
                throw SeedtexException.Model($"unet/model.onnx takes SDXL inputs (text_embeds, time_ids) but the folder has no text_encoder_2");
            TextEncoder2.RequireOutput("text_embeds", FloatTypes, 2);
        }
        if (Unet.HasInput("timestep_cond"))
            Unet.RequireInput("timestep_cond", FloatTypes, 2);
        Unet.RejectUnknownInputs("sample", "timestep", "encoder_hidden_states", "text_embeds", "time_ids", "timestep_cond");
        if (Unet.Outputs.Count != 1)
            throw SeedtexException.Model($"unet/model.onnx has {Unet.Outputs.Count} outputs; expected one (out_sample)");
        Unet.RequireOutput(Unet.Outputs.Keys.First(), FloatTypes, 4);

        VaeDecoder.RequireInput("latent_sample", FloatTypes, 4);
        VaeDecoder.RejectUnknownInputs("latent_sample");
        VaeDecoder.RequireOutput("sample", FloatTypes, 4);
        if (VaeEncoder is not null)
        {
            VaeEncoder.RequireInput("sample", FloatTypes, 4);
            VaeEncoder.RejectUnknownInputs("sample");
            VaeEncoderOutput = VaeEncoder.Outputs.ContainsKey("latent_sample") ? "latent_sample" : "latent_parameters";
            VaeEncoder.RequireOutput(VaeEncoderOutput, FloatTypes, 4);
        }

        int? staticBatch = Unet.StaticDim("sample", 0);
        UnetTakesBatch = staticBatch is null or 2;
        TimestepBatch = Unet.Inputs["timestep"].Dimensions is [> 1] ? Unet.Inputs["timestep"].Dimensions[0] : null;
        SupportsLongPrompts = Unet.StaticDim("encoder_hidden_states", 1) is null && TextEncoder.StaticDim("input_ids", 1) is null;
    }

    private ModelFamily DetectFamily()
    {
        bool trailing = Config.TimestepSpacing == "trailing";
        if (TextEncoder2 is not null)
            return trailing ? ModelFamily.SdxlTurbo : ModelFamily.Sdxl;
        if (Config.SchedulerClass == "LCMScheduler" || Unet.HasInput("timestep_cond"))
            return ModelFamily.Lcm;
        if (Config.PredictionType == "v_prediction")
            return ModelFamily.StableDiffusion2V;
        if (trailing)
            return ModelFamily.SdTurbo;
        return Config.CrossAttentionDim == 1024 || TextHiddenSize() == 1024 ? ModelFamily.StableDiffusion2 : ModelFamily.StableDiffusion1;
    }

    private int? TextHiddenSize()
    {
        int[] dims = Unet.Inputs["encoder_hidden_states"].Dimensions;
        return dims.Length == 3 && dims[2] > 0 ? dims[2] : null;
    }

    /// <summary>A readable summary for `seedtex models info`.</summary>
    public string Describe()
    {
        var text = new System.Text.StringBuilder();
        text.AppendLine($"model:       {Name}");
        text.AppendLine($"folder:      {Folder}");
        text.AppendLine($"family:      {Family.DisplayName()}");
        text.AppendLine($"precision:   {OnnxComponent.TypeName(Precision)}");
        text.AppendLine($"timestep:    {OnnxComponent.TypeName(TimestepType)} [{(TimestepBatch is int b ? b : 1)}]");
        text.AppendLine($"guidance:    {(UnetTakesBatch ? "one UNet call at batch 2" : "two UNet calls at batch 1")}");
        text.AppendLine($"long prompts: {(SupportsLongPrompts ? "chunked in 77-token windows" : "truncated to 77 tokens")}");
        text.AppendLine($"scheduler:   {Config.SchedulerClass} ({Config.PredictionType}, {Config.TimestepSpacing} spacing)");
        text.AppendLine($"defaults:    {Defaults.Steps} steps, guidance {Defaults.Guidance}, {Defaults.Scheduler}, {Defaults.Size}px");
        text.AppendLine($"vae scale:   {VaeScalingFactor}");
        text.AppendLine($"provider:    {Provider}, {Threads} threads");
        text.AppendLine($"fingerprint: {Fingerprint}");
        foreach (var c in _components)
        {
            text.AppendLine($"{c.Name}/model.onnx:");
            foreach (string line in c.Describe().Split('\n'))
                text.AppendLine($"  {line}");
        }
        return text.ToString().TrimEnd();
    }

    public void Dispose()
    {
        foreach (var c in _components)
            c.Dispose();
        _components.Clear();
    }
}
