namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// diffusers' three ways of choosing <c>steps</c> inference timesteps out of N training timesteps, in descending
/// order, with numpy's arithmetic (float64, round half to even).
/// </summary>
internal static class TimestepSpacingRule
{
    /// <param name="roundLinspace">DDIM rounds linspace timesteps to integers; Euler keeps them fractional (float32).</param>
    public static double[] Descending(SchedulerConfig config, int steps, bool roundLinspace)
    {
        var trainSteps = config.NumTrainTimesteps;
        var timesteps = new double[steps];
        switch (config.TimestepSpacing)
        {
            case TimestepSpacing.Leading:
                // (arange(steps) * (N // steps)) reversed, plus steps_offset.
                var stride = trainSteps / steps;
                for (var i = 0; i < steps; i++)
                    timesteps[i] = ((double)(steps - 1 - i) * stride) + config.StepsOffset;
                break;

            case TimestepSpacing.Trailing:
                // round(arange(N, 0, -N/steps)) - 1. numpy fills the range as start + i·(second − start); for 62 step
                // counts (61, 103, ...) numpy's length rounds up to steps + 1 and diffusers then gets a timestep −1;
                // here the schedule stops at `steps` values instead.
                var ratio = (double)trainSteps / steps;
                var second = trainSteps - ratio;
                var delta = second - trainSteps;
                for (var i = 0; i < steps; i++)
                {
                    var value = i switch { 0 => trainSteps, 1 => second, _ => trainSteps + (i * delta) };
                    timesteps[i] = Math.Round(value, MidpointRounding.ToEven) - 1;
                }
                break;

            case TimestepSpacing.Linspace:
                // np.linspace(0, N - 1, steps): i·step, the last one exactly N − 1; a single step is timestep 0.
                var last = trainSteps - 1;
                var linStep = steps > 1 ? (double)last / (steps - 1) : 0;
                for (var i = 0; i < steps; i++)
                {
                    var ascendingIndex = steps - 1 - i;
                    var value = steps > 1 && ascendingIndex == steps - 1 ? last : ascendingIndex * linStep;
                    timesteps[i] = roundLinspace ? Math.Round(value, MidpointRounding.ToEven) : (float)value;
                }
                break;

            default:
                throw new ArgumentOutOfRangeException(nameof(config), config.TimestepSpacing, "unknown timestep spacing");
        }
        return timesteps;
    }
}
