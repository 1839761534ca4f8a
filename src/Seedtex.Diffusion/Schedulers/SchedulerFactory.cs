using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>Makes a scheduler from its short name and a model's <see cref="SchedulerConfig"/>.</summary>
public static class SchedulerFactory
{
    /// <summary>The accepted names (case-insensitive); <c>dpmpp-2m-karras</c> is also accepted for <c>dpm++2m-karras</c>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["euler", "euler-a", "ddim", "dpm++2m-karras", "lcm"];

    public static IScheduler Create(string name, SchedulerConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return CanonicalName(name) switch
        {
            "euler" => new EulerDiscreteScheduler(config),
            "euler-a" => new EulerAncestralDiscreteScheduler(config),
            "ddim" => new DdimScheduler(config),
            "dpm++2m-karras" => new DpmSolverMultistepScheduler(config),
            _ => new LcmScheduler(config),
        };
    }

    /// <summary>The name as listed in <see cref="Names"/> (lower case, aliases folded), so equal choices compare equal.</summary>
    public static string CanonicalName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string folded = name.Trim().ToLowerInvariant();
        if (folded == "dpmpp-2m-karras")
            return "dpm++2m-karras";
        return Names.Contains(folded) ? folded : throw SeedtexException.Argument($"unknown scheduler '{name}'; use one of: {string.Join(", ", Names)}.");
    }
}
