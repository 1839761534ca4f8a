using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Seedtex.Core;
using Seedtex.Diffusion.Onnx;
using Seedtex.Runtime;

namespace Seedtex.Native;

/// <summary>
/// The C ABI (plugin/include/seedtex.h). Every export runs its body inside <see cref="Run"/>, which turns any
/// exception into a status and a message: nothing unwinds into the host.
/// </summary>
internal static unsafe class Exports
{
    private const uint AbiVersion = 1;
    private static readonly HandleTable<NativeContext> Contexts = new(1);
    private static readonly HandleTable<NativeRequest> Requests = new(2);
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static nint _unityInterfaces;

    /// <summary>A failure with the status the header promises for it.</summary>
    private sealed class AbiException(Status status, string message) : Exception(message)
    {
        public Status Status { get; } = status;
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_abi_version")]
    public static uint Version() => AbiVersion;

    [UnmanagedCallersOnly(EntryPoint = "stx_last_error")]
    public static byte* LastErrorText() => LastError.Pointer;

    [UnmanagedCallersOnly(EntryPoint = "stx_context_create")]
    public static int ContextCreate(ContextDesc* desc, nint* outContext)
    {
        nint descAddress = (nint)desc, outAddress = (nint)outContext;
        return Run(() =>
        {
            var d = ReadStruct<ContextDesc>(descAddress, "desc");
            RequireOut(outAddress, "out_context");
            string? model = ReadUtf8(d.ModelFolder, "model_folder", required: false);
            string cache = ReadUtf8(d.CacheFolder, "cache_folder", required: true)!;
            if (d.Threads < 0)
                throw new AbiException(Status.InvalidArgument, $"threads {d.Threads} is negative; use 0 for one per core");

            string? pluginFolder = OnnxRuntimeLoader.PluginFolder((nint)(delegate* unmanaged<uint>)&Version);
            OnnxRuntimeLoader.Register(pluginFolder);
            model = DefaultModel.Resolve(model, pluginFolder);
            var service = SeedtexService.CreateAsync(new SeedtexOptions
            {
                ModelFolder = model,
                CacheFolder = cache,
                Sessions = new SessionSettings { Threads = d.Threads },
            }).GetAwaiter().GetResult();
            *(nint*)outAddress = Contexts.Add(new NativeContext(service));
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_context_destroy")]
    public static int ContextDestroy(nint context) => Run(() =>
    {
        if (!Contexts.TryRemove(context, out var ctx))
            throw InvalidHandle("context");
        ctx.Dispose();
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "stx_request_texture")]
    public static int RequestTexture(nint context, TextureSettings* settings, nint* outRequest)
    {
        nint settingsAddress = (nint)settings, outAddress = (nint)outRequest;
        return Run(() =>
        {
            var ctx = Context(context);
            var s = ReadStruct<TextureSettings>(settingsAddress, "settings");
            RequireOut(outAddress, "out_request");
            if (s.Priority > 2)
                throw new AbiException(Status.InvalidArgument, $"priority {s.Priority} is unknown; use 0 (editor), 1 (game) or 2 (bake)");
            var request = new TextureRequest
            {
                Prompt = ReadUtf8(s.Prompt, "prompt", required: true)!,
                NegativePrompt = ReadUtf8(s.NegativePrompt, "negative_prompt", required: false) ?? "",
                Seed = s.Seed,
                Width = s.Width,
                Height = s.Height,
                Steps = s.Steps,
                Guidance = s.Guidance,
                Tiling = (TileAxes)(s.Tiling & 3),
                Kind = s.Kind == 3 ? PipelineKind.Backdrop : PipelineKind.TextToImage,
            };
            request = ctx.Service.Resolve(request);
            var native = new NativeRequest(ctx);
            ctx.Track(native);
            ctx.Service.Submit(request, (RequestPriority)s.Priority, native.Complete, native, native.Cancel.Token);
            *(nint*)outAddress = Requests.Add(native);
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_pump")]
    public static int Pump(nint context, uint budgetMicroseconds, uint* outDelivered)
    {
        nint outAddress = (nint)outDelivered;
        return Run(() =>
        {
            int delivered = Context(context).Service.Pump(TimeSpan.FromMicroseconds(budgetMicroseconds));
            if (outAddress != 0)
                *(uint*)outAddress = (uint)delivered;
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_request_poll")]
    public static int RequestPoll(nint request, uint* outState, float* outProgress)
    {
        nint stateAddress = (nint)outState, progressAddress = (nint)outProgress;
        return Run(() =>
        {
            var r = Request(request);
            RequireOut(stateAddress, "out_state");
            *(uint*)stateAddress = r.State;
            if (progressAddress != 0)
                *(float*)progressAddress = r.Progress;
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_request_get_pixels")]
    public static int RequestGetPixels(nint request, Pixels* outPixels)
    {
        nint outAddress = (nint)outPixels;
        return Run(() =>
        {
            var r = Request(request);
            var size = RequireStructSize<Pixels>(outAddress, "out_pixels");
            var (result, error) = r.Outcome;
            if (error is not null)
                throw error;
            if (result is null)
            {
                LastError.Set(Status.Pending, "the request is not finished; poll until its state is DONE (results arrive during stx_pump)");
                return Status.Pending;
            }
            var t = result.Texture;
            *(Pixels*)outAddress = new Pixels
            {
                StructSize = size,
                Format = (uint)t.Format,
                Width = t.Width,
                Height = t.Height,
                MipCount = t.MipCount,
                FaceCount = t.FaceCount,
                Data = r.PinPixels(t),
                Size = (ulong)t.Pixels.Length,
                CacheHit = result.CacheHit ? 1 : 0,
            };
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_request_cancel")]
    public static int RequestCancel(nint request) => Run(() =>
    {
        Request(request).Cancel.Cancel();
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "stx_request_release")]
    public static int RequestRelease(nint request) => Run(() =>
    {
        if (!Requests.TryRemove(request, out var r))
            throw InvalidHandle("request");
        r.Owner.Untrack(r);
        r.Dispose();
        return Status.Ok;
    });

    [UnmanagedCallersOnly(EntryPoint = "UnityPluginLoad")]
    public static void UnityPluginLoad(nint unityInterfaces) => _unityInterfaces = unityInterfaces;

    [UnmanagedCallersOnly(EntryPoint = "UnityPluginUnload")]
    public static void UnityPluginUnload()
    {
        _unityInterfaces = 0;
        foreach (var context in Contexts.Items.ToArray())
            context.Dispose();
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_get_render_event_func")]
    public static nint RenderEventFunc() => (nint)(delegate* unmanaged<int, void>)&OnRenderEvent;

    /// <summary>Unity calls this on its render thread; the event id is the pump budget in microseconds.</summary>
    [UnmanagedCallersOnly]
    private static void OnRenderEvent(int eventId)
    {
        try
        {
            foreach (var context in Contexts.Items)
                context.Service.Pump(TimeSpan.FromMicroseconds(Math.Max(0, eventId)));
        }
        catch (Exception e)
        {
            // The render thread must never see an exception; the message waits for the next stx_last_error on it.
            LastError.Set(Status.Failed, e.Message);
        }
    }

    private static int Run(Func<Status> body)
    {
        try
        {
            LastError.Clear();
            return (int)body();
        }
        catch (AbiException e)
        {
            return (int)LastError.Set(e.Status, e.Message);
        }
        catch (SeedtexException e)
        {
            var status = e.Kind switch
            {
                SeedtexErrorKind.InvalidArgument => Status.InvalidArgument,
                SeedtexErrorKind.InvalidModel => Status.Model,
                SeedtexErrorKind.Io or SeedtexErrorKind.Corrupt => Status.Io,
                _ => Status.Failed,
            };
            return (int)LastError.Set(status, e.Message);
        }
        catch (OperationCanceledException)
        {
            return (int)LastError.Set(Status.Cancelled, "the request was cancelled");
        }
        catch (Exception e)
        {
            return (int)LastError.Set(Status.Failed, $"{e.GetType().Name}: {e.Message}");
        }
    }

    private static NativeContext Context(nint handle) => Contexts.TryGet(handle, out var c) ? c : throw InvalidHandle("context");

    private static NativeRequest Request(nint handle) => Requests.TryGet(handle, out var r) ? r : throw InvalidHandle("request");

    private static AbiException InvalidHandle(string what) =>
        new(Status.InvalidHandle, $"{what} handle is not valid (already destroyed or released, or never returned by seedtex)");

    private static void RequireOut(nint address, string name)
    {
        if (address == 0)
            throw new AbiException(Status.NullPointer, $"{name} must not be NULL");
    }

    /// <summary>Reads a versioned struct after checking the pointer and its struct_size.</summary>
    private static T ReadStruct<T>(nint address, string name) where T : unmanaged
    {
        RequireStructSize<T>(address, name);
        return *(T*)address;
    }

    private static uint RequireStructSize<T>(nint address, string name) where T : unmanaged
    {
        if (address == 0)
            throw new AbiException(Status.NullPointer, $"{name} must not be NULL");
        uint size = *(uint*)address;
        if (size != (uint)sizeof(T))
            throw new AbiException(Status.AbiMismatch, $"{name}.struct_size is {size} but this library (ABI {AbiVersion}) expects {sizeof(T)}; rebuild against the seedtex.h that ships with it");
        return size;
    }

    private static string? ReadUtf8(nint text, string name, bool required)
    {
        if (text == 0)
            return required ? throw new AbiException(Status.NullPointer, $"{name} must not be NULL") : null;
        var bytes = MemoryMarshal.CreateReadOnlySpanFromNullTerminated((byte*)text);
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new AbiException(Status.InvalidUtf8, $"{name} is not valid UTF-8; pass UTF-8 text");
        }
    }
}
