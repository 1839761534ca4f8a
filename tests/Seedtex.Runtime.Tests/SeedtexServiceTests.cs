using System.Collections.Concurrent;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Runtime.Tests;

/// <summary>Runs alone: one test measures the process's managed memory, which other tests running beside it would move.</summary>
[CollectionDefinition(nameof(SeedtexServiceTests), DisableParallelization = true)]
public sealed class SeedtexServiceCollection;

[Collection(nameof(SeedtexServiceTests))]
public sealed class SeedtexServiceTests : IDisposable
{
    private readonly ModelSet _model = ModelSet.Load(RepoPaths.InRepo("tests", "models", "sd15"), new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 });
    private readonly string _cacheFolder = Directory.CreateTempSubdirectory("seedtex-service").FullName;

    private (SeedtexService Service, DiffusionTextureGenerator Generator) Create(TimeSpan? aging = null)
    {
        var generator = new DiffusionTextureGenerator(_model);
        var cache = LayeredCache.Open(_cacheFolder, [], 64L << 20);
        return (new SeedtexService(generator, cache, aging ?? TimeSpan.FromMinutes(1), generator), generator);
    }

    private static TextureRequest Quick(long seed, int steps = 1) => new()
    {
        Prompt = "moss on stone",
        Seed = seed,
        Width = 64,
        Height = 64,
        Steps = steps,
        Guidance = 1f,
        Scheduler = "euler",
    };

    private const int BlockerSize = 512;

    /// <summary>
    /// A request that holds the inference slot until cancelled, reporting each step: 1,000 steps at 512 px take
    /// minutes (at 64 px they took seconds, and a loaded machine let the queue behind it start draining).
    /// </summary>
    private static (Task<GenerationResult> Task, CancellationTokenSource Cancel, TaskCompletionSource Started) Blocker(SeedtexService service)
    {
        var cancel = new CancellationTokenSource();
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var progress = new Inline(p => { if (p.Stage == GenerationStage.Denoising) started.TrySetResult(); });
        var slow = Quick(999, steps: 1000) with { Width = BlockerSize, Height = BlockerSize };
        return (service.GenerateAsync(slow, RequestPriority.Interactive, progress, cancel.Token), cancel, started);
    }

    [Fact]
    public async Task Thousand_requests_over_fifty_keys_run_fifty_generations()
    {
        var (service, generator) = Create();
        using var _ = service;
        var requests = Enumerable.Range(0, 1000).Select(i => Task.Run(() => service.GenerateAsync(Quick(i % 50), RequestPriority.Runtime))).ToArray();
        var results = await Task.WhenAll(requests);

        Assert.Equal(50, generator.GenerationCount);
        foreach (var group in results.GroupBy(r => r.Key))
        {
            Assert.Equal(20, group.Count());
            var first = group.First().Texture.Pixels.ToArray();
            Assert.All(group, r => Assert.Equal(first, r.Texture.Pixels.ToArray()));
        }
        Assert.Equal(50, results.Select(r => r.Key).Distinct().Count());
        Assert.Equal(0, service.Flights);
    }

    [Fact]
    public async Task A_second_identical_request_is_a_cache_hit_with_the_same_pixels()
    {
        var (service, generator) = Create();
        using var _ = service;
        var first = await service.GenerateAsync(Quick(5));
        var second = await service.GenerateAsync(Quick(5));
        Assert.False(first.CacheHit);
        Assert.Equal("memory", second.CacheTier);
        Assert.Equal(first.Key, second.Key);
        Assert.Equal(first.Texture.Pixels.ToArray(), second.Texture.Pixels.ToArray());
        Assert.Equal(1, generator.GenerationCount);
    }

    [Fact]
    public async Task A_queued_request_ends_at_once_when_cancelled_and_a_running_one_never_reaches_the_cache()
    {
        var (service, generator) = Create();
        using var _ = service;
        var (running, stopRunning, started) = Blocker(service);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1));

        using var cancelQueued = new CancellationTokenSource();
        var queued = service.GenerateAsync(Quick(1), RequestPriority.Bake, null, cancelQueued.Token);
        Assert.Equal(1, service.QueuedGenerations);
        await cancelQueued.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queued);
        Assert.False(running.IsCompleted, "the queued request should have ended while the first still ran");

        await stopRunning.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Assert.Equal(0, generator.GenerationCount);
        Assert.Equal(0, new DiskStore(_cacheFolder).Stats().Entries);
    }

    [Fact]
    public async Task A_long_queue_costs_a_small_fixed_amount_per_request_and_all_of_it_comes_back()
    {
        var (service, generator) = Create();
        using var _ = service;
        var (running, stopRunning, started) = Blocker(service);
        await started.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // Queued requests hold their settings and a place in line, never pixels: memory grows by a small constant
        // per request, however long the queue, and cancelling them gives it back.
        const int queued = 5000;
        long before = LiveHeapBytes();
        using var cancel = new CancellationTokenSource();
        var waiting = Enumerable.Range(0, queued).Select(i => service.GenerateAsync(Quick(10_000 + i), RequestPriority.Bake, null, cancel.Token)).ToArray();
        // A request joins the queue after its cache lookup, which may finish on a pool thread.
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (service.QueuedGenerations < queued && DateTime.UtcNow < deadline)
            await Task.Delay(10);
        Assert.Equal(queued, service.QueuedGenerations);
        long perRequest = (LiveHeapBytes() - before) / queued;
        Assert.True(perRequest < 8 * 1024, $"{perRequest} bytes per queued request");

        await cancel.CancelAsync();
        foreach (var task in waiting)
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => task);
        Assert.Equal(0, service.QueuedGenerations);
        await stopRunning.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        Array.Clear(waiting);
        long after = SettledHeapBytes();
        // A leak of the requests themselves would hold perRequest (about 2 KB) each, 10 MB in all; what may stay is the
        // capacity the flight table and the queue grew to, and pool threads (under 80 bytes per request in every run).
        Assert.True(after - before < queued * 512L, $"{after - before} bytes still held after every request was cancelled ({perRequest} per queued request)");
        Assert.Equal(0, generator.GenerationCount);
    }

    /// <summary>
    /// The managed heap after collections, least of a few readings: continuations and timers of the cancelled tasks
    /// can still be finishing on pool threads for a moment, and their garbage is not what this test measures.
    /// </summary>
    private static long SettledHeapBytes()
    {
        long least = long.MaxValue;
        for (int i = 0; i < 4; i++)
        {
            least = Math.Min(least, LiveHeapBytes());
            Thread.Sleep(100);
        }
        return least;
    }

    /// <summary>
    /// Live bytes after a full blocking collection: the heap it left less its free space. Not GC.GetTotalMemory: under
    /// the regions GC (.NET 10.0.12 here) it leaves out a gen0 region that a pinned object keeps in place but still
    /// subtracts that region's free space, so it reads up to one 4 MB region low, even negative (dotnet/runtime#106712):
    /// a "before" read low that way made about 4 MB look held after every request was gone.
    /// </summary>
    private static long LiveHeapBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var heap = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        return heap.HeapSizeBytes - heap.FragmentedBytes;
    }

    [Fact]
    public async Task Interactive_requests_overtake_bake_requests_and_aging_lets_bake_through()
    {
        foreach (var (aging, expectedFirst) in new[] { (TimeSpan.FromMinutes(10), "interactive"), (TimeSpan.FromMilliseconds(1), "bake") })
        {
            var (service, _) = Create(aging);
            using var __ = service;
            var (running, stopRunning, started) = Blocker(service);
            await started.Task.WaitAsync(TimeSpan.FromMinutes(1));

            // The order generations start in, seen from inside them (completion continuations can run in any order).
            var order = new ConcurrentQueue<string>();
            IProgress<GenerationProgress> Starts(string name) => new Inline(p => { if (p.Stage == GenerationStage.EncodingPrompt) order.Enqueue(name); });
            var bake = service.GenerateAsync(Quick(100 + (int)aging.TotalMilliseconds), RequestPriority.Bake, Starts("bake"));
            await Task.Delay(50);
            var interactive = service.GenerateAsync(Quick(200 + (int)aging.TotalMilliseconds), RequestPriority.Interactive, Starts("interactive"));
            await stopRunning.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
            await Task.WhenAll(bake, interactive);
            Assert.Equal(expectedFirst, order.First());
        }
    }

    [Fact]
    public void Submitted_requests_are_delivered_only_by_pump_on_the_pumping_thread()
    {
        var (service, _) = Create();
        using var __ = service;
        int delivered = 0, pumpingThread = Environment.CurrentManagedThreadId;
        var threads = new ConcurrentBag<int>();
        for (int i = 0; i < 100; i++)
            service.Submit(Quick(i % 10), RequestPriority.Runtime, (result, error) =>
            {
                Assert.Null(error);
                Assert.NotNull(result);
                threads.Add(Environment.CurrentManagedThreadId);
                delivered++;
            });
        Assert.Equal(0, delivered);
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (delivered < 100 && DateTime.UtcNow < deadline)
        {
            service.Pump(TimeSpan.FromMilliseconds(2));
            Thread.Sleep(5);
        }
        Assert.Equal(100, delivered);
        Assert.All(threads, t => Assert.Equal(pumpingThread, t));
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_cacheFolder, recursive: true);
    }

    private sealed class Inline(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
