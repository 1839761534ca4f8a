using System.Diagnostics;

namespace Seedtex.Runtime;

/// <summary>
/// Requests waiting for the one inference slot. The next job is the one with the best effective priority, where
/// every <c>agingInterval</c> of waiting counts as one level better (so bake jobs are reached even under a steady
/// stream of interactive ones), and first come first served among equals. One worker runs the jobs one at a time.
/// A cancelled job leaves the queue at once, so a queue of abandoned requests never holds memory while a long
/// generation runs.
/// </summary>
public sealed class GenerationQueue : IDisposable
{
    private readonly List<Job> _waiting = [];
    private readonly SemaphoreSlim _signal = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _agingInterval;
    private readonly Task _worker;
    private long _sequence;

    private sealed class Job(Func<Task> run, RequestPriority priority, long enqueued, long sequence)
    {
        public Func<Task> Run { get; } = run;
        public RequestPriority Priority { get; } = priority;
        public long Enqueued { get; } = enqueued;
        public long Sequence { get; } = sequence;
        public CancellationTokenRegistration Dropping { get; set; }
    }

    public GenerationQueue(TimeSpan agingInterval)
    {
        _agingInterval = agingInterval;
        _worker = Task.Run(WorkAsync);
    }

    public int Count
    {
        get
        {
            lock (_waiting)
                return _waiting.Count;
        }
    }

    /// <summary>Queues <paramref name="run"/>; it is dropped unrun if <paramref name="cancellation"/> fires first.</summary>
    public void Enqueue(Func<Task> run, RequestPriority priority, CancellationToken cancellation)
    {
        Job job;
        lock (_waiting)
        {
            job = new Job(run, priority, Stopwatch.GetTimestamp(), _sequence++);
            _waiting.Add(job);
        }
        // Registered outside the lock: an already-cancelled token runs the callback right here.
        job.Dropping = cancellation.Register(() =>
        {
            lock (_waiting)
                _waiting.Remove(job);
        });
        _signal.Release();
    }

    private Job? TakeNext()
    {
        Job best;
        lock (_waiting)
        {
            if (_waiting.Count == 0)
                return null;
            long now = Stopwatch.GetTimestamp();
            best = _waiting.MinBy(j => (EffectivePriority(j, now), j.Sequence))!;
            _waiting.Remove(best);
        }
        // Outside the lock: disposing waits for a cancellation callback in progress, which takes the lock.
        best.Dropping.Dispose();
        return best;
    }

    private double EffectivePriority(Job job, long now) =>
        (int)job.Priority - Stopwatch.GetElapsedTime(job.Enqueued, now) / _agingInterval;

    private async Task WorkAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            try
            {
                await _signal.WaitAsync(_stop.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            var job = TakeNext();
            if (job is not null)
                await job.Run().ConfigureAwait(false);
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _worker.Wait(TimeSpan.FromSeconds(30));
        }
        catch (AggregateException)
        {
            // A job's failure belongs to its request, which has already seen it.
        }
        _stop.Dispose();
        _signal.Dispose();
    }
}
