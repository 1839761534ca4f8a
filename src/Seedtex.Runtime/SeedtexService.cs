using System.Diagnostics;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Imaging;
using Seedtex.Vulkan;

namespace Seedtex.Runtime;

/// <summary>
/// The service every caller goes through (editor, game, bake): a request becomes a cache key; a hit returns at once,
/// a miss waits its turn for the one inference slot. Identical requests in flight share one generation (single
/// flight); a queued request whose callers all cancel ends at once, a running one stops between steps or inside
/// one; a cancelled generation never reaches the cache. Engines that must not block their main thread use
/// <see cref="Submit"/> and <see cref="Pump"/>; with a GPU device attached, Pump also uploads each result to it
/// (submitted in one Pump, delivered in a later one once the GPU is done, so Pump never waits on the GPU).
/// </summary>
public sealed class SeedtexService : IDisposable
{
    private readonly ITextureGenerator _generator;
    private readonly LayeredCache _cache;
    private readonly GenerationQueue _queue;
    private readonly MainThreadQueue _mainThread = new();
    private readonly Dictionary<CacheKey, Flight> _flights = [];
    private readonly IDisposable? _owned;
    // Uploads submitted by Pump and not yet finished on the GPU; touched only on the thread that calls Pump.
    private readonly List<PendingUpload> _uploads = [];
    private GpuContext? _gpu;
    private int _delivered;
    private bool _disposed;

    private sealed record PendingUpload(GpuSubmission Submission, GpuTexture Texture, GenerationResult Result, Action<GenerationResult?, Exception?> OnDone);

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
        var sessions = options.Sessions.Threads > 0 ? options.Sessions : options.Sessions with { Threads = SeedtexOptions.DefaultInferenceThreads };
        var model = await ModelSet.LoadAsync(options.ModelFolder, sessions, cancellationToken).ConfigureAwait(false);
        var generator = new DiffusionTextureGenerator(model, ownsModel: true);
        LayeredCache cache;
        try
        {
            cache = LayeredCache.Open(options.CacheFolder, options.Packs, options.MemoryCacheBytes, options.DiskCacheBytes);
        }
        catch
        {
            generator.Dispose();
            throw;
        }
        var service = new SeedtexService(generator, cache, options.AgingInterval, generator) { InferenceThreads = model.Threads };
        try
        {
            // The attach submits one tiny upload: create the service where the device's queue may be used.
            if (options.Gpu is not null)
                service.AttachGpu(options.Gpu);
            return service;
        }
        catch
        {
            service.Dispose();
            throw;
        }
    }

    /// <summary>The attached device, or null (results are CPU pixels only).</summary>
    public GpuContext? Gpu => _gpu;

    /// <summary>ONNX Runtime's intra-op threads for a service made by <see cref="CreateAsync"/>; 0 for a caller's generator.</summary>
    public int InferenceThreads { get; private init; }

    /// <summary>
    /// From now on, results delivered by <see cref="Pump"/> are also uploaded to <paramref name="gpu"/> (the host's
    /// device through <see cref="GpuContext.Adopt"/>, or one of Seedtex's own). Call it on the thread that pumps,
    /// before the first request. The service does not dispose the context; dispose it after the service.
    /// </summary>
    public void AttachGpu(GpuContext gpu)
    {
        ArgumentNullException.ThrowIfNull(gpu);
        if (_gpu is not null)
            throw new SeedtexException(SeedtexErrorKind.InvalidArgument, "a GPU device is already attached; attach one device per service, once");
        // One 1x1 upload now, at attach time, so the first frame that uploads does not pay for the first use of the
        // queue and the upload path (measured on lavapipe: one ~8 ms frame without it).
        using (var texture = GpuTexture.Create(gpu, new GpuTextureDescription(PixelFormat.Rgba8Srgb, 1, 1)))
        using (var staged = TextureUploader.Stage(new TextureData(PixelFormat.Rgba8Srgb, 1, 1, 1, 1, new byte[4]), texture))
        using (var warmUp = gpu.Submit(cb =>
        {
            staged.Record(cb);
            return null;
        }))
        {
            warmUp.Wait();
        }
        _gpu = gpu;
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
    /// A cubemap backdrop: the 2:1 panorama of <paramref name="backdrop"/> (generated or cached as usual), turned into
    /// six faces of <paramref name="faceSize"/> with mips, cached under the panorama's key derived with the face size.
    /// </summary>
    public Task<GenerationResult> GenerateCubemapAsync(TextureRequest backdrop, int faceSize, RequestPriority priority = RequestPriority.Interactive,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        EquirectToCube.CheckFaceSize(faceSize);
        return DeriveAsync(backdrop, TextureOutputs.Cubemap, DerivedOutputs.Default with { CubeFaceSize = faceSize }, priority, progress, cancellationToken);
    }

    /// <summary>
    /// A PBR map of the albedo <paramref name="request"/> gives (generated or cached as usual), cached under the
    /// albedo's key derived with the map's name and settings: the second ask, or a baked pack, costs a lookup.
    /// </summary>
    public Task<GenerationResult> GenerateMapAsync(TextureRequest request, MapKind map, SurfaceMapOptions? options = null,
        RequestPriority priority = RequestPriority.Interactive, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default) =>
        DeriveAsync(request, DerivedOutputs.OutputOf(map), options is null ? DerivedOutputs.Default : new DerivedOutputs(options),
            priority, progress, cancellationToken);

    /// <summary>
    /// <paramref name="output"/> made by <paramref name="outputs"/> from the albedo of <paramref name="request"/> (its
    /// Outputs field is ignored: the parent is always the plain albedo, the entry every caller shares).
    /// </summary>
    public async Task<GenerationResult> DeriveAsync(TextureRequest request, TextureOutputs output, IDerivedOutputs outputs,
        RequestPriority priority = RequestPriority.Interactive, IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(outputs);
        var started = Stopwatch.GetTimestamp();
        var parentRequest = request with { Outputs = TextureOutputs.Albedo };
        var resolved = _generator.Resolve(parentRequest);
        // Name and settings first: a bad output or setting fails before anything is generated.
        string name = outputs.Name(output), settings = outputs.Settings(output, resolved);
        var parent = await GenerateAsync(parentRequest, priority, progress, cancellationToken).ConfigureAwait(false);
        var metadata = CacheEntryMetadata.Describe(resolved, _generator.ModelFingerprint, parent.Elapsed);
        var derived = await _cache.GetOrDeriveAsync(parent.Key, name, settings, metadata,
            () => outputs.Derive(output, parent.Texture, resolved), cancellationToken).ConfigureAwait(false);
        return new GenerationResult(derived.Key, derived.Texture, derived.CacheTier, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Starts a request for a caller that must not block (an engine's main thread): <paramref name="onDone"/> runs
    /// during a later <see cref="Pump"/> with the result, or with the exception (cancellation included). A backdrop
    /// with <paramref name="cubeFaceSize"/> > 0 comes back as a cubemap (<see cref="GenerateCubemapAsync"/>), and a
    /// <paramref name="map"/> other than None gives that PBR map of the texture (<see cref="GenerateMapAsync"/>, with
    /// <paramref name="mapOptions"/> or the defaults).
    /// </summary>
    public void Submit(TextureRequest request, RequestPriority priority, Action<GenerationResult?, Exception?> onDone,
        IProgress<GenerationProgress>? progress = null, CancellationToken cancellationToken = default, int cubeFaceSize = 0, MapKind map = MapKind.None,
        SurfaceMapOptions? mapOptions = null)
    {
        ArgumentNullException.ThrowIfNull(onDone);
        _ = Task.Run(async () =>
        {
            try
            {
                var result = cubeFaceSize > 0 ? await GenerateCubemapAsync(request, cubeFaceSize, priority, progress, cancellationToken).ConfigureAwait(false)
                    : map != MapKind.None ? await GenerateMapAsync(request, map, mapOptions, priority, progress, cancellationToken).ConfigureAwait(false)
                    : await GenerateAsync(request, priority, progress, cancellationToken).ConfigureAwait(false);
                // Image creation and the staging copy happen here, off the engine's thread; Pump only records and submits.
                var staged = Stage(result);
                _mainThread.Post(() => Deliver(result, staged, onDone));
            }
            catch (Exception e)
            {
                // Every outcome, failures included, reaches the caller through Pump.
                _mainThread.Post(() => Finish(null, e, onDone));
            }
        }, CancellationToken.None);
    }

    /// <summary>
    /// Called once per frame on the engine's main thread (the thread that may submit to the attached device's queue):
    /// hands finished requests over within <paramref name="budget"/> and returns how many callbacks ran.
    /// </summary>
    public int Pump(TimeSpan budget)
    {
        int before = _delivered;
        FinishUploads();
        _mainThread.Pump(budget);
        return _delivered - before;
    }

    /// <summary>Uploads submitted and not yet finished on the GPU.</summary>
    public int UploadsInFlight => _uploads.Count;

    private StagedUpload? Stage(GenerationResult result)
    {
        if (_gpu is not { } gpu)
            return null;
        var t = result.Texture;
        var texture = GpuTexture.Create(gpu, new GpuTextureDescription(t.Format, t.Width, t.Height, t.MipCount, t.IsCubemap));
        try
        {
            return TextureUploader.Stage(t, texture);
        }
        catch
        {
            texture.Dispose();
            throw;
        }
    }

    private void Deliver(GenerationResult result, StagedUpload? staged, Action<GenerationResult?, Exception?> onDone)
    {
        if (staged is null)
        {
            Finish(result, null, onDone);
            return;
        }
        try
        {
            var submission = _gpu!.Submit(cb =>
            {
                staged.Record(cb);
                return staged;
            });
            _uploads.Add(new PendingUpload(submission, staged.Target, result, onDone));
        }
        catch (Exception e)
        {
            staged.Dispose();
            staged.Target.Dispose();
            Finish(null, e, onDone);
        }
    }

    private void FinishUploads()
    {
        for (int i = 0; i < _uploads.Count; i++)
        {
            var upload = _uploads[i];
            if (!upload.Submission.IsComplete)
                continue;
            _uploads.RemoveAt(i--);
            upload.Submission.Dispose();
            Finish(upload.Result with { GpuTexture = upload.Texture }, null, upload.OnDone);
        }
    }

    private void Finish(GenerationResult? result, Exception? error, Action<GenerationResult?, Exception?> onDone)
    {
        _delivered++;
        onDone(result, error);
    }

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
    private sealed class FanOutProgress(Flight flight, object gate) : IPreviewProgress
    {
        /// <summary>The most frequent preview any waiting caller asked for (0: nobody wants previews).</summary>
        public int PreviewEvery
        {
            get
            {
                lock (gate)
                    return flight.Listeners.OfType<IPreviewProgress>().Select(p => p.PreviewEvery).Where(n => n > 0).DefaultIfEmpty(0).Min();
            }
        }

        public void Report(GenerationProgress value)
        {
            IProgress<GenerationProgress>[] listeners;
            lock (gate)
                listeners = [.. flight.Listeners];
            foreach (var listener in listeners)
                listener.Report(value);
        }
    }

    /// <summary>Stops the queue and frees the cache tiers and the model. Idempotent; dispose an attached device after this.</summary>
    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        foreach (var upload in _uploads)
        {
            upload.Submission.Wait();
            upload.Submission.Dispose();
            upload.Texture.Dispose();
        }
        _uploads.Clear();
        _queue.Dispose();
        _cache.Dispose();
        _owned?.Dispose();
    }
}
