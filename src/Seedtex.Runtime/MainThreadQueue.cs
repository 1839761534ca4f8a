using System.Collections.Concurrent;
using System.Diagnostics;

namespace Seedtex.Runtime;

/// <summary>
/// Work that must run on the engine's main thread (completion callbacks, GPU uploads). Any thread posts; the
/// engine calls <see cref="Pump"/> once per frame, which runs queued work until the frame's budget is spent and
/// leaves the rest for the next frame. Nothing here ever waits for inference.
/// </summary>
public sealed class MainThreadQueue
{
    private readonly ConcurrentQueue<Action> _work = new();

    public int Pending => _work.Count;

    public void Post(Action work) => _work.Enqueue(work);

    /// <summary>Runs queued work until <paramref name="budget"/> has passed (at least one item if any is queued). Returns how many ran.</summary>
    public int Pump(TimeSpan budget)
    {
        long start = Stopwatch.GetTimestamp();
        int ran = 0;
        while (_work.TryDequeue(out var work))
        {
            work();
            ran++;
            if (Stopwatch.GetElapsedTime(start) >= budget)
                break;
        }
        return ran;
    }
}
