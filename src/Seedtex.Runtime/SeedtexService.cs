using System.Diagnostics;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Diffusion.Models;

namespace Seedtex.Runtime;

/// <summary>
/// The service every caller goes through (editor, game, bake): a request becomes a cache key; a hit returns at once,
/// a miss waits its turn for the one inference slot. Identical requests in flight share one generation (single
/// flight); a queued request whose callers all cancel ends at once, a running one stops between steps or inside
/// one; a cancelled generation never reaches the cache. Engines that must not block their main thread use
/// <see cref="Submit"/> and <see cref="Pump"/>.
/// </summary>
public sealed class SeedtexService : IDisposable
{
    private readonly ITextureGenerator _generator;
    private readonly LayeredCache _cache;
    private readonly GenerationQueue _queue;
    private readonly MainThreadQueue _mainThread = new();
    private readonly Dictionary<CacheKey, Flight> _flights = [];
    private readonly IDisposable? _owned;

    /// <summary>One generation in flight and everyone waiting for it.</summary>
    private sealed class Flight
    {
        public readonly TaskCompletionSource<GenerationResult> Result = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public readonly CancellationTokenSource Cancel = new();
        public readonly List<IProgress<GenerationProgress>> Listeners = [];
        public int Waiters;
    }

    public SeedtexService(ITextureGenerator generator, LayeredCache cache, TimeSpan agingInterval, IDisposable? owned = null)
    {
        _generator = generator;
        _cache = cache;
        _queue = new GenerationQueue(agingInterval);
        _owned = owned;
    }

    /// <summary>Loads the model and opens the cache tiers (off the caller's thread).</summary>
    public static async Task<SeedtexService> CreateAsync(SeedtexOptions options, CancellationToken cancellationToken = default)
    {
        var model = await ModelSet.LoadAsync(options.ModelFolder, options.Sessions, cancellationToken).ConfigureAwait(false);
        var generator = new DiffusionTextureGenerator(model, ownsModel: true);
        try
        {
            var cache = LayeredCache.Open(options.CacheFolder, options.Packs, options.MemoryCacheBytes, options.DiskCacheBytes);
            return new SeedtexService(generator, cache, options.AgingInterval, generator);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
    }

    /// <summary>The request with the model's defaults filled in, or a <see cref="SeedtexException"/> naming what is wrong.</summary>
    public TextureRequest Resolve(TextureRequest request) => _generator.Resolve(request);

    /// <summary>Requests waiting for the inference slot (not counting the one running).</summary>
    public int QueuedGenerations => _queue.Count;

    /// <summary>Generations in flight (queued or running), each shared by all its identical requests.</summary>
    public int Flights
    {
        get
        {
            lock (_flights)
                return _flights.Count;
        }
    }

    public async Task<GenerationResult> GenerateAsync(TextureRequest request, RequestPriority priority = RequestPriority.Interactive,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var resolved = _generator.Resolve(request);
        var key = CacheKey.Compute(resolved, _generator.KeyContext);
        var started = Stopwatch.GetTimestamp();

        var hit = await _cache.TryGetAsync(key, cancellationToken).ConfigureAwait(false);
        if (hit is not null)
            return new GenerationResult(key, hit.Entry.Texture, hit.TierName, Stopwatch.GetElapsedTime(started));

        Flight flight;
        lock (_flights)
        {
            if (!_flights.TryGetValue(key, out flight!))
            {
                flight = new Flight();
                _flights.Add(key, flight);
                var owner = flight;
                _queue.Enqueue(() => RunAsync(key, resolved, owner), priority, flight.Cancel.Token);
                flight.Cancel.Token.Register(() => owner.Result.TrySetCanceled(owner.Cancel.Token));
            }
            flight.Waiters++;
            if (progress is not null)
                flight.Listeners.Add(progress);
        }

        try
        {
            var result = await flight.Result.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return result with { Elapsed = Stopwatch.GetElapsedTime(started) };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Leave(key, flight, progress);
            throw;
        }
    }

    /// <summary>
    /// Starts a request for a caller that must not block (an engine's main thread): <paramref name="onDone"/> runs
    /// during a later <see cref="Pump"/> with the result, or with the exception (cancellation included).
    /// </summary>
    public void Submit(TextureRequest request, RequestPriority priority, Action<GenerationResult?, Exception?> onDone,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        _ = Task.Run(async () =>
        {
            try
            {
                var result = await GenerateAsync(request, priority, progress, cancellationToken).ConfigureAwait(false);
                _mainThread.Post(() => onDone(result, null));
            }
            catch (Exception e)
            {
                // Every outcome, failures included, reaches the caller through Pump.
                _mainThread.Post(() => onDone(null, e));
            }
        }, CancellationToken.None);
    }

    /// <summary>Called once per frame on the engine's main thread: delivers finished requests within <paramref name="budget"/>.</summary>
    public int Pump(TimeSpan budget) => _mainThread.Pump(budget);

    /// <summary>A caller gave up; when it was the last one, the generation is cancelled (queued: dropped at once).</summary>
    private void Leave(CacheKey key, Flight flight, IProgress<GenerationProgress>? progress)
    {
        lock (_flights)
        {
            if (progress is not null)
                flight.Listeners.Remove(progress);
            if (--flight.Waiters > 0)
                return;
            if (_flights.TryGetValue(key, out var current) && current == flight)
                _flights.Remove(key);
        }
        flight.Cancel.Cancel();
    }

    private async Task RunAsync(CacheKey key, TextureRequest resolved, Flight flight)
    {
        var token = flight.Cancel.Token;
        try
        {
            var started = Stopwatch.GetTimestamp();
            var fanOut = new FanOutProgress(flight, _flights);
            var texture = await _generator.GenerateAsync(resolved, fanOut, token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            // Only a finished, uncancelled generation is stored.
            token.ThrowIfCancellationRequested();
            await _cache.PutAsync(key, new CacheEntry(texture, CacheEntryMetadata.Describe(resolved, _generator.ModelFingerprint, elapsed)), CancellationToken.None).ConfigureAwait(false);
            flight.Result.TrySetResult(new GenerationResult(key, texture, null, elapsed));
        }
        catch (OperationCanceledException)
        {
            flight.Result.TrySetCanceled(token);
        }
        catch (Exception e)
        {
            // Whatever failed belongs to this request's callers; the queue's worker must keep serving the others.
            flight.Result.TrySetException(e);
        }
        finally
        {
            lock (_flights)
            {
                if (_flights.TryGetValue(key, out var current) && current == flight)
                    _flights.Remove(key);
            }
        }
    }

    /// <summary>Sends a generation's progress to every caller waiting on it.</summary>
    private sealed class FanOutProgress(Flight flight, object gate) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            IProgress<GenerationProgress>[] listeners;
            lock (gate)
                listeners = [.. flight.Listeners];
            foreach (var listener in listeners)
                listener.Report(value);
        }
    }

    public void Dispose()
    {
        _queue.Dispose();
        _cache.Dispose();
        _owned?.Dispose();
    }
}
