using System.Text.Json;
using System.Text.Json.Nodes;
using Seedtex.Diffusion.Schedulers;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>
/// Every scheduler against schedulers.json, written by tests/reference/make_scheduler_reference.py (an independent
/// numpy/torch implementation of the same formulas): timesteps, sigmas, initial noise scale and the latent after the
/// recorded steps of a run driven by the same fake UNet and the same CPU generator stream.
/// </summary>
public sealed class SchedulerReferenceTests
{
    /// <summary>Allowed error relative to max(|reference|, 1): float32 arithmetic in a different order.</summary>
    private const double Tolerance = 1e-5;

    private static readonly Lazy<JsonDocument> Reference = new(() =>
        JsonDocument.Parse(File.ReadAllText(RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData", "schedulers.json"))));

    public static TheoryData<int, string> Cases()
    {
        var data = new TheoryData<int, string>();
        var index = 0;
        foreach (var c in Reference.Value.RootElement.GetProperty("cases").EnumerateArray())
            data.Add(index++, Describe(c));
        return data;
    }

    [Fact]
    public void ReferenceCoversEverySchedulerSpacingAndPrediction()
    {
        var cases = Reference.Value.RootElement.GetProperty("cases").EnumerateArray().ToList();
        Assert.True(cases.Count >= 130, $"only {cases.Count} reference cases");
        foreach (var name in SchedulerFactory.Names)
        {
            Assert.Contains(cases, c => c.GetProperty("scheduler").GetString() == name && c.TryGetProperty("strength", out _));
            foreach (var prediction in new[] { "epsilon", "v_prediction", "sample" })
                Assert.Contains(cases, c => c.GetProperty("scheduler").GetString() == name && ConfigValue(c, "prediction_type") == prediction);
        }
        foreach (var spacing in new[] { "leading", "trailing", "linspace" })
            Assert.Contains(cases, c => c.GetProperty("scheduler").GetString() == "euler-a" && ConfigValue(c, "timestep_spacing") == spacing);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RunMatchesReference(int index, string description)
    {
        var root = Reference.Value.RootElement;
        var c = root.GetProperty("cases")[index];
        var scheduler = SchedulerFactory.Create(c.GetProperty("scheduler").GetString()!, MergedConfig(root, c));
        var steps = c.GetProperty("steps").GetInt32();
        scheduler.SetTimesteps(steps);

        Assert.Equal(Floats(c.GetProperty("timesteps")), scheduler.Timesteps.ToArray());
        AssertClose(c.GetProperty("init_noise_sigma").GetDouble(), scheduler.InitNoiseSigma, $"{description}: init noise sigma");
        if (c.TryGetProperty("sigmas", out var sigmas))
            AssertAllClose(Floats(sigmas), SigmasOf(scheduler), $"{description}: sigmas");

        var random = new TorchCpuRandom(c.GetProperty("seed").GetUInt64());
        var latent = new float[ReferenceModel.LatentLength];
        var start = 0;
        if (c.TryGetProperty("strength", out var strength))
        {
            start = ImageToImageSchedule.StartStepIndex(steps, strength.GetDouble());
            Assert.Equal(c.GetProperty("start_index").GetInt32(), start);
            scheduler.AddNoise(ReferenceModel.SourceLatent(), random.Randn(latent.Length), start, latent);
            AssertAllClose(Floats(c.GetProperty("noised_source")), latent, $"{description}: noised source");
        }
        else
        {
            random.NextGaussian(latent);
            for (var i = 0; i < latent.Length; i++)
                latent[i] *= scheduler.InitNoiseSigma;
        }

        var expectedByStep = c.GetProperty("latents").EnumerateArray()
            .ToDictionary(e => e.GetProperty("step").GetInt32(), e => Floats(e.GetProperty("latent")));
        Assert.Contains(steps - 1, expectedByStep.Keys);
        var input = new float[latent.Length];
        var output = new float[latent.Length];
        for (var i = start; i < steps; i++)
        {
            scheduler.ScaleModelInput(latent, input, i);
            ReferenceModel.Predict(input, scheduler.Timesteps[i], output);
            scheduler.Step(output, i, latent, random);
            if (expectedByStep.TryGetValue(i, out var expected))
                AssertAllClose(expected, latent, $"{description}: latent after step {i}");
        }
    }

    private static string Describe(JsonElement c)
    {
        var name = c.TryGetProperty("name", out var n) ? $"{n.GetString()} " : "";
        var config = string.Join(",", c.GetProperty("config").EnumerateObject().Select(p => $"{p.Name}={p.Value}"));
        var strength = c.TryGetProperty("strength", out var s) ? $" strength={s}" : "";
        return $"{name}{c.GetProperty("scheduler").GetString()} {c.GetProperty("steps").GetInt32()} steps [{config}]{strength}";
    }

    private static string? ConfigValue(JsonElement c, string key) =>
        c.GetProperty("config").TryGetProperty(key, out var value) ? value.GetString() : null;

    private static SchedulerConfig MergedConfig(JsonElement root, JsonElement c)
    {
        var merged = JsonNode.Parse(root.GetProperty("base_config").GetRawText())!.AsObject();
        foreach (var property in c.GetProperty("config").EnumerateObject())
            merged[property.Name] = JsonNode.Parse(property.Value.GetRawText());
        return SchedulerConfig.FromJson(merged.ToJsonString());
    }

    private static IReadOnlyList<float> SigmasOf(IScheduler scheduler) => scheduler switch
    {
        EulerSchedulerBase euler => euler.Sigmas,
        DpmSolverMultistepScheduler dpm => dpm.Sigmas,
        _ => throw new InvalidOperationException($"{scheduler.Name} has no sigma list"),
    };

    private static float[] Floats(JsonElement array) => [.. array.EnumerateArray().Select(v => v.GetSingle())];

    private static void AssertClose(double expected, double actual, string what)
    {
        var error = Math.Abs(actual - expected) / Math.Max(Math.Abs(expected), 1.0);
        Assert.True(error <= Tolerance, $"{what}: expected {expected:R}, got {actual:R} (relative error {error:E2})");
    }

    private static void AssertAllClose(IReadOnlyList<float> expected, IReadOnlyList<float> actual, string what)
    {
        Assert.Equal(expected.Count, actual.Count);
        var worst = 0.0;
        var worstIndex = 0;
        for (var i = 0; i < expected.Count; i++)
        {
            var error = Math.Abs(actual[i] - (double)expected[i]) / Math.Max(Math.Abs(expected[i]), 1.0);
            if (double.IsNaN(error) || error > worst)
            {
                worst = double.IsNaN(error) ? double.PositiveInfinity : error;
                worstIndex = i;
            }
        }
        Assert.True(worst <= Tolerance,
            $"{what}: value {worstIndex} expected {expected[worstIndex]:R}, got {actual[worstIndex]:R} (relative error {worst:E2} > {Tolerance:E0})");
    }
}
