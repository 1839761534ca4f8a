using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>Where an image-to-image run enters the schedule, the way diffusers' img2img pipelines decide it.</summary>
public static class ImageToImageSchedule
{
    /// <summary>
    /// The first step index to run for <paramref name="strength"/>: init = min(int(steps·strength), steps),
    /// start = max(steps − init, 0). Strength 1 starts at 0 (pure noise); strength 0 returns <paramref name="steps"/>,
    /// meaning nothing is denoised. Noise the source latent with <see cref="IScheduler.AddNoise"/> at this index.
    /// LCM's own img2img pipeline re-derives its timesteps from strength instead; this helper does not reproduce that.
    /// </summary>
    public static int StartStepIndex(int steps, double strength)
    {
        if (steps < 1)
            throw SeedtexException.Argument($"steps is {steps}; image-to-image needs at least 1 step.");
        if (!(strength >= 0 && strength <= 1))
            throw SeedtexException.Argument($"strength is {strength}; it must be between 0 (keep the image) and 1 (ignore it).");
        var initSteps = Math.Min((int)(steps * strength), steps);
        return Math.Max(steps - initSteps, 0);
    }
}
