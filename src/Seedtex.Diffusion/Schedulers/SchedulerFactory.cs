using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>Makes a scheduler from its short name and a model's <see cref="SchedulerConfig"/>.</summary>
public static class SchedulerFactory
{
    /// <summary>The accepted names (case-insensitive); <c>dpmpp-2m-karras</c> is also accepted for <c>dpm++2m-karras</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["euler", "euler-a", "ddim", "dpm++2m-karras", "lcm"];

    public static IScheduler Create(string name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(config);
        return name.Trim().ToLowerInvariant() switch
        {
            "euler" => new EulerDiscreteScheduler(config),
            "euler-a" => new EulerAncestralDiscreteScheduler(config),
            "ddim" => new DdimScheduler(config),
            "dpm++2m-karras" or "dpmpp-2m-karras" => new DpmSolverMultistepScheduler(config),
            "lcm" => new LcmScheduler(config),
            _ => throw SeedtexException.Argument($"unknown scheduler '{name}'; use one of: {string.Join(", ", Names)}."),
        };
    }
}
