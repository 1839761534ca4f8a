using System.Globalization;
using System.Text.Json;
using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>How the model's training noise grows with the timestep (diffusers' <c>beta_schedule</c>).</summary>
public enum BetaSchedule
{
    /// <summary><c>scaled_linear</c>: betas linear in sqrt space, then squared (Stable Diffusion).</summary>
    ScaledLinear,
    /// <summary><c>linear</c>: betas linear from beta_start to beta_end.</summary>
    Linear,
}

/// <summary>What the UNet predicts (diffusers' <c>prediction_type</c>).</summary>
public enum PredictionType
{
    /// <summary><c>epsilon</c>: the noise.</summary>
    Epsilon,
    /// <summary><c>v_prediction</c>: the velocity alpha·noise − sigma·sample (SD 2.x 768, some turbo models).</summary>
    VPrediction,
    /// <summary><c>sample</c>: the clean latent itself.</summary>
    Sample,
}

/// <summary>How inference timesteps are picked from the training range (diffusers' <c>timestep_spacing</c>).</summary>
public enum TimestepSpacing
{
    /// <summary><c>leading</c>: multiples of N/steps from 0, plus steps_offset.</summary>
    Leading,
    /// <summary><c>trailing</c>: counted down from N, minus one (SD-Turbo, zero-terminal-SNR models).</summary>
    Trailing,
    /// <summary><c>linspace</c>: evenly spaced over [0, N−1].</summary>
    Linspace,
}

/// <summary>
/// The scheduler settings of a diffusers model folder (<c>scheduler/scheduler_config.json</c>). Keys not listed
/// here are ignored; a missing key takes the Stable Diffusion value shown on its property (these are SD's config
/// values, which is what a diffusers ONNX folder without the key almost always means; diffusers' per-class
/// constructor defaults differ). Settings that would change the numbers in ways these schedulers do not
/// implement (<c>thresholding</c>, <c>rescale_betas_zero_snr</c>, other beta schedules) are rejected, not ignored.
/// </summary>
public sealed record SchedulerConfig
{
    /// <summary>The settings a Stable Diffusion 1.x/2.x folder ships.</summary>
    public static SchedulerConfig Default { get; } = new();

    /// <summary><c>num_train_timesteps</c> (1000).</summary>
    public int NumTrainTimesteps { get; init; } = 1000;

    /// <summary><c>beta_start</c> (0.00085).</summary>
    public double BetaStart { get; init; } = 0.00085;

    /// <summary><c>beta_end</c> (0.012).</summary>
    public double BetaEnd { get; init; } = 0.012;

    /// <summary><c>beta_schedule</c> (scaled_linear).</summary>
    public BetaSchedule BetaSchedule { get; init; } = BetaSchedule.ScaledLinear;

    /// <summary><c>trained_betas</c>: explicit betas that replace the schedule (null: use the schedule).</summary>
    public IReadOnlyList<float>? TrainedBetas { get; init; }

    /// <summary><c>prediction_type</c> (epsilon).</summary>
    public PredictionType PredictionType { get; init; } = PredictionType.Epsilon;

    /// <summary>
    /// <c>timestep_spacing</c>; null when the config file has none, and then each scheduler uses its diffusers class's
    /// default (Euler and DPM++: linspace; DDIM and LCM: leading), as diffusers does when it loads SD 1.5's PNDM config
    /// into another scheduler. DPM++ 2M Karras doesn't use it.
    /// </summary>
    public TimestepSpacing? TimestepSpacing { get; init; }

    /// <summary><c>steps_offset</c> (1): added to leading timesteps.</summary>
    public int StepsOffset { get; init; } = 1;

    /// <summary><c>set_alpha_to_one</c> (false, as SD ships it): DDIM/LCM's alpha past the last step is 1, else alphas_cumprod[0].</summary>
    public bool SetAlphaToOne { get; init; }

    /// <summary><c>clip_sample</c> (false): DDIM/LCM clamp the predicted clean latent to ±<see cref="ClipSampleRange"/>.</summary>
    public bool ClipSample { get; init; }

    /// <summary><c>clip_sample_range</c> (1.0).</summary>
    public double ClipSampleRange { get; init; } = 1.0;

    /// <summary><c>original_inference_steps</c> (50): the LCM distillation schedule the LCM timesteps are taken from.</summary>
    public int OriginalInferenceSteps { get; init; } = 50;

    /// <summary><c>timestep_scaling</c> (10.0): LCM's boundary-condition timestep scale.</summary>
    public double TimestepScaling { get; init; } = 10.0;

    /// <summary>Parses the text of a diffusers <c>scheduler_config.json</c>. Bad content is an <see cref="SeedtexErrorKind.InvalidModel"/> error.</summary>
    public static SchedulerConfig FromJson(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw SeedtexException.Model($"scheduler_config.json is not valid JSON ({e.Message}); restore the file from the model's original folder.", e);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
                throw SeedtexException.Model("scheduler_config.json must hold a JSON object of scheduler settings.");
            var config = Read(document.RootElement);
            config.Validate(SeedtexErrorKind.InvalidModel);
            return config;
        }
    }

    /// <summary>Reads and parses a <c>scheduler_config.json</c> file.</summary>
    public static async Task<SchedulerConfig> LoadAsync(string path, CancellationToken cancellationToken = default)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot read scheduler config '{path}': {e.Message}", e);
        }
        return FromJson(text);
    }

    /// <summary>Throws a <see cref="SeedtexException"/> of <paramref name="kind"/> naming the first setting that is out of range.</summary>
    public void Validate(SeedtexErrorKind kind = SeedtexErrorKind.InvalidArgument)
    {
        if (NumTrainTimesteps is < 2 or > 100_000)
            throw new SeedtexException(kind, $"num_train_timesteps is {NumTrainTimesteps}; it must be between 2 and 100000 (Stable Diffusion uses 1000).");
        if (TrainedBetas is { } betas)
        {
            if (betas.Count != NumTrainTimesteps)
                throw new SeedtexException(kind, $"trained_betas has {betas.Count} values but num_train_timesteps is {NumTrainTimesteps}; they must agree.");
            if (betas.Any(b => !(b > 0 && b < 1)))
                throw new SeedtexException(kind, "trained_betas must all lie strictly between 0 and 1.");
        }
        else if (!(BetaStart > 0 && BetaStart < 1 && BetaEnd > 0 && BetaEnd < 1))
        {
            throw new SeedtexException(kind, $"beta_start {BetaStart} and beta_end {BetaEnd} must lie strictly between 0 and 1 (Stable Diffusion: 0.00085 and 0.012).");
        }
        if (StepsOffset is < 0 || StepsOffset >= NumTrainTimesteps)
            throw new SeedtexException(kind, $"steps_offset is {StepsOffset}; it must be between 0 and num_train_timesteps − 1 (usually 0 or 1).");
        if (!(ClipSampleRange > 0))
            throw new SeedtexException(kind, $"clip_sample_range is {ClipSampleRange}; it must be positive.");
        if (OriginalInferenceSteps < 1)
            throw new SeedtexException(kind, $"original_inference_steps is {OriginalInferenceSteps}; it must be at least 1 (LCM models use 50).");
        if (!(TimestepScaling > 0) || double.IsInfinity(TimestepScaling))
            throw new SeedtexException(kind, $"timestep_scaling is {TimestepScaling}; it must be a positive number (LCM models use 10).");
    }

    private static SchedulerConfig Read(JsonElement root)
    {
        var config = new SchedulerConfig();
        foreach (var property in root.EnumerateObject())
        {
            var value = property.Value;
            if (value.ValueKind == JsonValueKind.Null)
                continue;
            config = property.Name switch
            {
                "num_train_timesteps" => config with { NumTrainTimesteps = Integer(property) },
                "beta_start" => config with { BetaStart = Number(property) },
                "beta_end" => config with { BetaEnd = Number(property) },
                "beta_schedule" => config with { BetaSchedule = ParseBetaSchedule(Text(property)) },
                "trained_betas" => config with { TrainedBetas = Numbers(property) },
                "prediction_type" => config with { PredictionType = ParsePredictionType(Text(property)) },
                "timestep_spacing" => config with { TimestepSpacing = ParseSpacing(Text(property)) },
                "steps_offset" => config with { StepsOffset = Integer(property) },
                "set_alpha_to_one" => config with { SetAlphaToOne = Boolean(property) },
                "clip_sample" => config with { ClipSample = Boolean(property) },
                "clip_sample_range" => config with { ClipSampleRange = Number(property) },
                "original_inference_steps" => config with { OriginalInferenceSteps = Integer(property) },
                "timestep_scaling" => config with { TimestepScaling = Number(property) },
                "thresholding" when Boolean(property) => throw Unsupported("thresholding: true (dynamic thresholding)"),
                "rescale_betas_zero_snr" when Boolean(property) => throw Unsupported("rescale_betas_zero_snr: true"),
                _ => config,
            };
        }
        return config;
    }

    private static SeedtexException Unsupported(string what) =>
        SeedtexException.Model($"scheduler_config.json sets {what}, which Seedtex's schedulers don't implement; remove the key or use a model without it.");

    private static SeedtexException WrongType(JsonProperty property, string expected) =>
        SeedtexException.Model($"scheduler_config.json: \"{property.Name}\" must be {expected}, not {property.Value.GetRawText()}.");

    private static double Number(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.Number ? property.Value.GetDouble() : throw WrongType(property, "a number");

    private static int Integer(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.Number && property.Value.TryGetInt32(out var value) ? value : throw WrongType(property, "an integer");

    private static bool Boolean(JsonProperty property) => property.Value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw WrongType(property, "true or false"),
    };

    private static string Text(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : throw WrongType(property, "a string");

    private static float[] Numbers(JsonProperty property) =>
        property.Value.ValueKind == JsonValueKind.Array && property.Value.EnumerateArray().All(v => v.ValueKind == JsonValueKind.Number)
            ? property.Value.EnumerateArray().Select(v => v.GetSingle()).ToArray()
            : throw WrongType(property, "an array of numbers");

    private static BetaSchedule ParseBetaSchedule(string text) => text switch
    {
        "scaled_linear" => BetaSchedule.ScaledLinear,
        "linear" => BetaSchedule.Linear,
        _ => throw SeedtexException.Model($"scheduler_config.json: beta_schedule \"{text}\" is not supported; use \"scaled_linear\" or \"linear\"."),
    };

    private static PredictionType ParsePredictionType(string text) => text switch
    {
        "epsilon" => PredictionType.Epsilon,
        "v_prediction" => PredictionType.VPrediction,
        "sample" => PredictionType.Sample,
        _ => throw SeedtexException.Model($"scheduler_config.json: prediction_type \"{text}\" is not supported; use \"epsilon\", \"v_prediction\" or \"sample\"."),
    };

    private static Schedulers.TimestepSpacing ParseSpacing(string text) => text switch
    {
        "leading" => Schedulers.TimestepSpacing.Leading,
        "trailing" => Schedulers.TimestepSpacing.Trailing,
        "linspace" => Schedulers.TimestepSpacing.Linspace,
        _ => throw SeedtexException.Model($"scheduler_config.json: timestep_spacing \"{text}\" is not supported; use \"leading\", \"trailing\" or \"linspace\"."),
    };

    /// <summary>The settings on one line, for logs.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"num_train_timesteps={NumTrainTimesteps} beta={BetaSchedule}({BetaStart},{BetaEnd}){(TrainedBetas is null ? "" : " trained_betas")} " +
        $"prediction={PredictionType} spacing={TimestepSpacing} steps_offset={StepsOffset} set_alpha_to_one={SetAlphaToOne} " +
        $"clip_sample={ClipSample}({ClipSampleRange}) lcm_original_steps={OriginalInferenceSteps} lcm_timestep_scaling={TimestepScaling}");
}
