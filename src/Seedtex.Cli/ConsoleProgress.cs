using Seedtex.Core;
using Spectre.Console;

namespace Seedtex.Cli;

/// <summary>
/// Shows generation progress: a bar with step count and ETA on a terminal, plain lines when output is redirected
/// (CI logs, pipes), so logs stay readable.
/// </summary>
public static class ConsoleProgress
{
    public static bool Interactive => !Console.IsErrorRedirected && AnsiConsole.Profile.Capabilities.Interactive;

    public static async Task<T> RunAsync<T>(string title, Func<IProgress<GenerationProgress>, Task<T>> work)
    {
        if (!Interactive)
        {
            int lastStep = -1;
            var plain = new SynchronousProgress(p =>
            {
                if (p.Stage == GenerationStage.Denoising && p.Step != lastStep)
                {
                    lastStep = p.Step;
                    Console.Error.WriteLine($"{title}: step {p.Step}/{p.TotalSteps} ({p.Elapsed.TotalSeconds:0.0}s)");
                }
            });
            return await work(plain).ConfigureAwait(false);
        }

        T result = default!;
        await AnsiConsole.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new CountColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(title, maxValue: 1);
                var bar = new SynchronousProgress(p =>
                {
                    task.MaxValue = Math.Max(1, p.TotalSteps);
                    task.Value = p.Step;
                    task.Description = $"{title} ({p.Stage})";
                });
                result = await work(bar).ConfigureAwait(false);
            }).ConfigureAwait(false);
        return result;
    }

    /// <summary>Steps of `current/total`, for the bar.</summary>
    private sealed class CountColumn : ProgressColumn
    {
        public override Spectre.Console.Rendering.IRenderable Render(Spectre.Console.Rendering.RenderOptions options, ProgressTask task, TimeSpan deltaTime) =>
            new Text($"{task.Value:0}/{task.MaxValue:0}");
    }

    /// <summary>Reports on the caller's thread; Progress&lt;T&gt; would post to a thread pool and reorder lines.</summary>
    private sealed class SynchronousProgress(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
