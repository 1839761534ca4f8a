using System.Text.Json;
using Seedtex.Core;
using Seedtex.Diffusion.Schedulers;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>Scheduler behaviour that the reference trajectories don't pin down: named setups, limits, errors, config parsing, allocation.</summary>
public sealed class SchedulerTests
{
    private const int Latent = 1 * 4 * 8 * 8;

    public static TheoryData<string> AllNames() => [.. SchedulerFactory.Names];

    [Fact]
    public void SdTurboSingleStepEulerAncestralReturnsTheCleanEstimate()
    {
        // SD-Turbo's scheduler_config: EulerAncestral-compatible, trailing spacing, steps_offset 0, one step.
        var scheduler = SchedulerFactory.Create("euler-a", SchedulerConfig.Default with { TimestepSpacing = TimestepSpacing.Trailing, StepsOffset = 0 });
        scheduler.SetTimesteps(1);
        Assert.Equal([999f], scheduler.Timesteps);
        Assert.Equal(14.614645f, scheduler.InitNoiseSigma, 5e-6f);
        Assert.Equal([scheduler.InitNoiseSigma, 0f], ((EulerAncestralDiscreteScheduler)scheduler).Sigmas);

        var random = new TorchCpuRandom(2024);
        var latent = random.Randn(Latent).Select(v => v * scheduler.InitNoiseSigma).ToArray();
        var epsilon = new TorchCpuRandom(77).Randn(Latent);
        var sigma = scheduler.InitNoiseSigma;
        var expected = latent.Select((x, i) => x - (sigma * epsilon[i])).ToArray();
        scheduler.Step(epsilon, 0, latent, random);
        for (var i = 0; i < Latent; i++)
            Assert.Equal(expected[i], latent[i], Math.Max(Math.Abs(expected[i]), 1f) * 1e-6f);

        // diffusers draws the (zero-weighted) ancestral noise even on the last step: the stream moved by one latent.
        var twin = new TorchCpuRandom(2024);
        twin.Randn(Latent);
        twin.Randn(Latent);
        Assert.Equal(twin.Randn(16), random.Randn(16));
    }

    [Fact]
    public void LcmFourStepsUseTheDistillationTimestepsAndNoiseThreeTimes()
    {
        var scheduler = SchedulerFactory.Create("lcm", SchedulerConfig.Default with { SetAlphaToOne = true });
        scheduler.SetTimesteps(4);
        Assert.Equal([999f, 759f, 499f, 259f], scheduler.Timesteps);
        Assert.Equal(1f, scheduler.InitNoiseSigma);

        var random = new TorchCpuRandom(9);
        var latent = random.Randn(Latent);
        var output = new float[Latent];
        for (var i = 0; i < 4; i++)
        {
            ReferenceModelOnLatent(latent, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, latent, random);
        }
        Assert.All(latent, v => Assert.True(float.IsFinite(v)));

        var twin = new TorchCpuRandom(9);
        for (var draw = 0; draw < 1 + 3; draw++)
            twin.Randn(Latent);
        Assert.Equal(twin.Randn(16), random.Randn(16));
    }

    [Fact]
    public void LcmRejectsMoreStepsThanItsDistillationSchedule()
    {
        var scheduler = SchedulerFactory.Create("lcm", SchedulerConfig.Default);
        scheduler.SetTimesteps(50);
        var error = Assert.Throws<SeedtexException>(() => scheduler.SetTimesteps(51));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("1 to 50", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void StepCountsOutsideTheRangeAreRejected(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
        foreach (var steps in new[] { 0, -3, 1001 })
            Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => scheduler.SetTimesteps(steps)).Kind);

        var shortTraining = SchedulerFactory.Create(name, SchedulerConfig.Default with { NumTrainTimesteps = 40, OriginalInferenceSteps = 20, StepsOffset = 0 });
        Assert.Throws<SeedtexException>(() => shortTraining.SetTimesteps(41));
        shortTraining.SetTimesteps(10);
        Assert.Equal(10, shortTraining.StepCount);
    }

    [Fact]
    public void DdimRejectsASpacingThatRunsPastTheTrainingTable()
    {
        // Leading spacing with steps_offset 1 at 1000 steps asks for timestep 1000 (diffusers would index past the end).
        var scheduler = SchedulerFactory.Create("ddim", SchedulerConfig.Default);
        var error = Assert.Throws<SeedtexException>(() => scheduler.SetTimesteps(1000));
        Assert.Contains("1000", error.Message, StringComparison.Ordinal);
        scheduler.SetTimesteps(999);
        Assert.Equal(999f, scheduler.Timesteps[0]);
    }

    [Fact]
    public void TrailingSpacingKeepsExactlyTheRequestedSteps()
    {
        // numpy's arange yields 62 values for 61 steps, which gives diffusers a timestep of −1.
        var scheduler = SchedulerFactory.Create("euler", SchedulerConfig.Default with { TimestepSpacing = TimestepSpacing.Trailing });
        scheduler.SetTimesteps(61);
        Assert.Equal(61, scheduler.StepCount);
        Assert.Equal(999f, scheduler.Timesteps[0]);
        Assert.All(scheduler.Timesteps, t => Assert.InRange(t, 0f, 999f));
        Assert.Equal(scheduler.Timesteps.OrderDescending(), scheduler.Timesteps);
    }

    [Fact]
    public void UnknownNameListsTheValidOnes()
    {
        var error = Assert.Throws<SeedtexException>(() => SchedulerFactory.Create("k_lms", SchedulerConfig.Default));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, error.Kind);
        foreach (var name in SchedulerFactory.Names)
            Assert.Contains(name, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NamesAndAliasesCreateTheRightSchedulers()
    {
        Assert.IsType<EulerDiscreteScheduler>(SchedulerFactory.Create("euler", SchedulerConfig.Default));
        Assert.IsType<EulerAncestralDiscreteScheduler>(SchedulerFactory.Create("Euler-A", SchedulerConfig.Default));
        Assert.IsType<DdimScheduler>(SchedulerFactory.Create("ddim", SchedulerConfig.Default));
        Assert.IsType<DpmSolverMultistepScheduler>(SchedulerFactory.Create("dpm++2m-karras", SchedulerConfig.Default));
        Assert.IsType<DpmSolverMultistepScheduler>(SchedulerFactory.Create("dpmpp-2m-karras", SchedulerConfig.Default));
        Assert.IsType<LcmScheduler>(SchedulerFactory.Create("lcm", SchedulerConfig.Default));
        foreach (var name in SchedulerFactory.Names)
            Assert.Equal(name, SchedulerFactory.Create(name, SchedulerConfig.Default).Name);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void MisuseIsReportedNotIgnored(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
        var latent = new float[Latent];
        var random = new TorchCpuRandom(1);
        Assert.Throws<InvalidOperationException>(() => scheduler.Step(latent, 0, latent, random));

        scheduler.SetTimesteps(4);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => scheduler.Step(latent, 4, latent, random)).Kind);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => scheduler.Step(new float[Latent - 1], 0, latent, random)).Kind);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => scheduler.ScaleModelInput(latent, new float[3], 0)).Kind);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => scheduler.AddNoise(latent, new float[3], 0, latent)).Kind);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void SteppingDoesNotAllocateAfterTheFirstStep(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
        scheduler.SetTimesteps(8);
        var random = new TorchCpuRandom(5);
        var latent = random.Randn(Latent);
        var input = new float[Latent];
        var output = new float[Latent];
        scheduler.ScaleModelInput(latent, input, 0);
        ReferenceModelOnLatent(input, scheduler.Timesteps[0], output);
        scheduler.Step(output, 0, latent, random);

        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 1; i < scheduler.StepCount; i++)
        {
            scheduler.ScaleModelInput(latent, input, i);
            ReferenceModelOnLatent(input, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, latent, random);
        }
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Theory]
    [MemberData(nameof(AllNames))]
    public void ARunRepeatsExactlyAfterSetTimesteps(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
        Assert.Equal(Run(scheduler, seed: 31), Run(scheduler, seed: 31));
        Assert.NotEqual(Run(scheduler, seed: 31), Run(scheduler, seed: 32));
    }

    [Theory]
    [InlineData("euler")]
    [InlineData("ddim")]
    [InlineData("dpm++2m-karras")]
    public void DeterministicSchedulersNeverTouchTheGenerator(string name)
    {
        var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
        var random = new TorchCpuRandom(3);
        Run(scheduler, random);
        var twin = new TorchCpuRandom(3);
        twin.Randn(Latent);
        Assert.Equal(twin.Randn(16), random.Randn(16));
    }

    [Fact]
    public void DpmKarrasScheduleSpansTheTrainingSigmas()
    {
        var scheduler = (DpmSolverMultistepScheduler)SchedulerFactory.Create("dpm++2m-karras", SchedulerConfig.Default);
        scheduler.SetTimesteps(20);
        Assert.Equal(999f, scheduler.Timesteps[0]);
        Assert.Equal(0f, scheduler.Timesteps[^1]);
        Assert.Equal(1f, scheduler.InitNoiseSigma);
        Assert.Equal(21, scheduler.Sigmas.Count);
        Assert.Equal(0f, scheduler.Sigmas[^1]);
        Assert.Equal(scheduler.Sigmas.OrderDescending(), scheduler.Sigmas);
    }

    [Theory]
    [InlineData(20, 0.6, 8)]
    [InlineData(20, 1.0, 0)]
    [InlineData(20, 0.0, 20)]
    [InlineData(7, 0.5, 4)]
    [InlineData(4, 0.3, 3)]
    public void ImageToImageStartFollowsDiffusers(int steps, double strength, int expected)
    {
        Assert.Equal(expected, ImageToImageSchedule.StartStepIndex(steps, strength));
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.5)]
    [InlineData(double.NaN)]
    public void ImageToImageRejectsStrengthOutsideZeroToOne(double strength)
    {
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => ImageToImageSchedule.StartStepIndex(10, strength)).Kind);
    }

    [Fact]
    public void TrainingTablesMatchTorchBitForBit()
    {
        using var reference = JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData", "schedulers.json")));
        var tables = reference.RootElement.GetProperty("alphas_cumprod_bits");
        var configs = new Dictionary<string, SchedulerConfig>
        {
            ["scaled_linear"] = SchedulerConfig.Default,
            ["linear"] = SchedulerConfig.Default with { BetaSchedule = BetaSchedule.Linear, BetaStart = 0.0001, BetaEnd = 0.02 },
        };
        foreach (var (schedule, config) in configs)
        {
            var expected = tables.GetProperty(schedule).EnumerateArray().Select(v => v.GetUInt32()).ToArray();
            var actual = TrainingNoiseSchedule.AlphasCumprod(config).Select(BitConverter.SingleToUInt32Bits).ToArray();
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void StableDiffusionConfigFileParsesWithItsExtraKeysIgnored()
    {
        const string json = """
            {"_class_name": "PNDMScheduler", "_diffusers_version": "0.6.0", "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "beta_start": 0.00085, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true,
             "steps_offset": 1, "trained_betas": null, "clip_sample": false}
            """;
        Assert.Equal(SchedulerConfig.Default, SchedulerConfig.FromJson(json));
    }

    [Fact]
    public void TurboAndLcmConfigsParse()
    {
        var turbo = SchedulerConfig.FromJson("""{"timestep_spacing": "trailing", "steps_offset": 0, "prediction_type": "v_prediction", "beta_schedule": "linear", "beta_start": 0.0001, "beta_end": 0.02}""");
        Assert.Equal(TimestepSpacing.Trailing, turbo.TimestepSpacing);
        Assert.Equal(0, turbo.StepsOffset);
        Assert.Equal(PredictionType.VPrediction, turbo.PredictionType);
        Assert.Equal(BetaSchedule.Linear, turbo.BetaSchedule);
        Assert.Equal(0.0001, turbo.BetaStart);

        var lcm = SchedulerConfig.FromJson("""{"original_inference_steps": 25, "timestep_scaling": 5.0, "set_alpha_to_one": true, "clip_sample": true, "clip_sample_range": 1.5, "num_train_timesteps": 500}""");
        Assert.Equal(25, lcm.OriginalInferenceSteps);
        Assert.Equal(5.0, lcm.TimestepScaling);
        Assert.True(lcm.SetAlphaToOne);
        Assert.True(lcm.ClipSample);
        Assert.Equal(1.5, lcm.ClipSampleRange);
        Assert.Equal(500, lcm.NumTrainTimesteps);

        var trained = SchedulerConfig.FromJson("""{"num_train_timesteps": 3, "trained_betas": [0.1, 0.2, 0.3]}""");
        Assert.Equal([0.1f, 0.2f, 0.3f], trained.TrainedBetas!);
        Assert.Equal(0.9f * 0.8f, TrainingNoiseSchedule.AlphasCumprod(trained)[1], 1e-7f);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => SchedulerFactory.Create("lcm", trained)).Kind);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1, 2]", "JSON object")]
    [InlineData("""{"beta_schedule": "squaredcos_cap_v2"}""", "squaredcos_cap_v2")]
    [InlineData("""{"prediction_type": "flow"}""", "flow")]
    [InlineData("""{"timestep_spacing": "karras"}""", "karras")]
    [InlineData("""{"num_train_timesteps": "1000"}""", "num_train_timesteps")]
    [InlineData("""{"thresholding": true}""", "thresholding")]
    [InlineData("""{"rescale_betas_zero_snr": true}""", "rescale_betas_zero_snr")]
    [InlineData("""{"beta_end": 1.5}""", "beta_end")]
    [InlineData("""{"num_train_timesteps": 4, "trained_betas": [0.1]}""", "trained_betas")]
    public void BadConfigIsAnInvalidModelNamingTheKey(string json, string named)
    {
        var error = Assert.Throws<SeedtexException>(() => SchedulerConfig.FromJson(json));
        Assert.Equal(SeedtexErrorKind.InvalidModel, error.Kind);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingConfigFileIsAnIoError()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seedtex-missing-{Guid.NewGuid():N}", "scheduler_config.json");
        var error = await Assert.ThrowsAsync<SeedtexException>(() => SchedulerConfig.LoadAsync(path));
        Assert.Equal(SeedtexErrorKind.Io, error.Kind);
    }

    [Fact]
    public async Task ConfigFileLoads()
    {
        var path = Path.Combine(Path.GetTempPath(), $"seedtex-scheduler-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(path, """{"timestep_spacing": "linspace", "steps_offset": 0}""");
        try
        {
            var config = await SchedulerConfig.LoadAsync(path);
            Assert.Equal(TimestepSpacing.Linspace, config.TimestepSpacing);
            Assert.Equal(0, config.StepsOffset);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void BenchmarkReportsEveryOperation()
    {
        var results = NumericsBenchmark.Run(latentLength: 1024, repetitions: 4);
        Assert.Equal(["torch.randn", .. SchedulerFactory.Names.Select(n => $"{n} step")], results.Select(r => r.Operation));
        Assert.All(results, r => Assert.True(r.MillisecondsEach >= 0 && r.Repetitions > 0 && r.LatentLength == 1024));
    }

    private static float[] Run(IScheduler scheduler, int seed) => Run(scheduler, new TorchCpuRandom((ulong)seed));

    private static float[] Run(IScheduler scheduler, TorchCpuRandom random)
    {
        scheduler.SetTimesteps(6);
        var latent = random.Randn(Latent);
        for (var i = 0; i < latent.Length; i++)
            latent[i] *= scheduler.InitNoiseSigma;
        var input = new float[Latent];
        var output = new float[Latent];
        for (var i = 0; i < scheduler.StepCount; i++)
        {
            scheduler.ScaleModelInput(latent, input, i);
            ReferenceModelOnLatent(input, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, latent, random);
        }
        return latent;
    }

    private static void ReferenceModelOnLatent(ReadOnlySpan<float> input, float timestep, Span<float> output) =>
        ReferenceModel.Predict(input, timestep, output);
}
