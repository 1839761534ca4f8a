using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Seedtex.Core;
using Seedtex.Diffusion.Onnx;
using Seedtex.Imaging;
using Seedtex.Runtime;
using Seedtex.Vulkan;

namespace Seedtex.Native;

/// <summary>
/// The C ABI (plugin/include/seedtex.h). Every export runs its body inside <see cref="Run"/>, which turns any
/// exception into a status and a message: nothing unwinds into the host.
/// </summary>
internal static unsafe class Exports
{
    private const uint AbiVersion = 4;
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
                throw new AbiException(Status.InvalidArgument, $"threads {d.Threads} is negative; use 0 for all cores but one");

            string? pluginFolder = OnnxRuntimeLoader.PluginFolder((nint)(delegate* unmanaged<uint>)&Version);
            OnnxRuntimeLoader.Register(pluginFolder);
            model = DefaultModel.Resolve(model, pluginFolder);
            var service = SeedtexService.CreateAsync(new SeedtexOptions
            {
                ModelFolder = model,
                CacheFolder = cache,
                Sessions = new SessionSettings { Threads = d.Threads },
            }).GetAwaiter().GetResult();
            var context = new NativeContext(service);
            try
            {
                // Inside Unity on Vulkan, the context works in Unity's device without being asked.
                if (UnityVulkan.Device(_unityInterfaces) is { } unityDevice)
                    context.AttachGpu(unityDevice);
            }
            catch
            {
                context.Dispose();
                throw;
            }
            *(nint*)outAddress = Contexts.Add(context);
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_context_destroy")]
    public static int ContextDestroy(nint context) => Run(() =>
    {
        if (!Destroy(context))
            throw InvalidHandle("context");
        return Status.Ok;
    });

    /// <summary>Removes a context and, with it, its requests' handles, then frees it; false when the handle is unknown.</summary>
    private static bool Destroy(nint context)
    {
        if (!Contexts.TryRemove(context, out var ctx))
            return false;
        foreach (var handle in Requests.HandlesWhere(r => r.Owner == ctx))
            Requests.TryRemove(handle, out _);
        ctx.Dispose();
        return true;
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_context_attach_vulkan")]
    public static int ContextAttachVulkan(nint context, VulkanDevice* device)
    {
        nint deviceAddress = (nint)device;
        return Run(() =>
        {
            var ctx = Context(context);
            var d = ReadStruct<VulkanDevice>(deviceAddress, "device");
            if (d.Instance == 0 || d.PhysicalDevice == 0 || d.Device == 0 || d.Queue == 0 || d.GetInstanceProcAddr == 0)
                throw new AbiException(Status.NullPointer, "device.instance, physical_device, device, queue and get_instance_proc_addr must not be NULL");
            if (d.EnabledExtensionCount > 0 && d.EnabledExtensions == 0)
                throw new AbiException(Status.NullPointer, $"device.enabled_extensions is NULL but enabled_extension_count is {d.EnabledExtensionCount}");
            var extensions = new string[d.EnabledExtensionCount];
            for (int i = 0; i < extensions.Length; i++)
                extensions[i] = ReadUtf8(((nint*)d.EnabledExtensions)[i], $"device.enabled_extensions[{i}]", required: true)!;
            ctx.AttachGpu(new HostVulkanDevice
            {
                Instance = new Silk.NET.Vulkan.Instance(d.Instance),
                PhysicalDevice = new Silk.NET.Vulkan.PhysicalDevice(d.PhysicalDevice),
                Device = new Silk.NET.Vulkan.Device(d.Device),
                Queue = new Silk.NET.Vulkan.Queue(d.Queue),
                QueueFamilyIndex = d.QueueFamilyIndex,
                GetInstanceProcAddr = d.GetInstanceProcAddr,
                ApiVersion = d.ApiVersion == 0 ? Silk.NET.Vulkan.Vk.Version11 : d.ApiVersion,
                EnabledDeviceExtensions = extensions,
            });
            return Status.Ok;
        });
    }

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
            if (s.Kind is not (1 or 3))
                throw new AbiException(Status.InvalidArgument, $"kind {s.Kind} is unknown; use STX_KIND_TEXTURE (1) or STX_KIND_BACKDROP (3)");
            if (s.CubeFaceSize != 0 && s.Kind != 3)
                throw new AbiException(Status.InvalidArgument, $"cube_face_size {s.CubeFaceSize} is only for STX_KIND_BACKDROP; set it to 0 for a texture");
            if (s.CubeFaceSize != 0)
                EquirectToCube.CheckFaceSize(s.CubeFaceSize, "cube_face_size");
            if (s.PreviewEvery < 0)
                throw new AbiException(Status.InvalidArgument, $"preview_every {s.PreviewEvery} is negative; use 0 for no previews or N for one every N steps");
            if (s.Output > 4)
                throw new AbiException(Status.InvalidArgument, $"output {s.Output} is unknown; use STX_OUTPUT_ALBEDO (0), _NORMAL (1), _HEIGHT (2), _ROUGHNESS (3) or _AO (4)");
            if (s.Output != 0 && s.Kind != 1)
                throw new AbiException(Status.InvalidArgument, $"output {s.Output} is a PBR map, made from a texture; use STX_KIND_TEXTURE, or STX_OUTPUT_ALBEDO for a backdrop");
            var mapOptions = MapOptions(s);
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
            var native = new NativeRequest(ctx, s.PreviewEvery);
            ctx.Track(native);
            var map = s.Output switch { 1 => MapKind.Normal, 2 => MapKind.Height, 3 => MapKind.Roughness, 4 => MapKind.AmbientOcclusion, _ => MapKind.None };
            ctx.Service.Submit(request, (RequestPriority)s.Priority, native.Complete, native, native.Cancel.Token, s.CubeFaceSize, map, mapOptions);
            *(nint*)outAddress = Requests.Add(native);
            return Status.Ok;
        });
    }

    /// <summary>The normal map's convention and strength; the other maps have no settings here (their keys ignore these).</summary>
    private static SurfaceMapOptions MapOptions(in TextureSettings s)
    {
        if (s.NormalConvention > 1)
            throw new AbiException(Status.InvalidArgument, $"normal_convention {s.NormalConvention} is unknown; use STX_NORMAL_OPENGL (0) or STX_NORMAL_DIRECTX (1)");
        if (!(s.NormalStrength >= 0 && s.NormalStrength <= 64))
            throw new AbiException(Status.InvalidArgument, $"normal_strength {s.NormalStrength.ToString(System.Globalization.CultureInfo.InvariantCulture)} is invalid; use 0 for the default (2) or a number above 0 up to 64");
        var defaults = DerivedOutputs.Default.Maps;
        return defaults with
        {
            NormalStrength = s.NormalStrength == 0 ? defaults.NormalStrength : s.NormalStrength,
            Convention = s.NormalConvention == 1 ? NormalMapConvention.DirectX : NormalMapConvention.OpenGl,
        };
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
            if (Finished(r) is not { } result)
                return Status.Pending;
            WritePixels(outAddress, size, result.Texture, r.PinPixels(result.Texture), result.CacheHit);
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_request_get_texture")]
    public static int RequestGetTexture(nint request, GpuTextureInfo* outTexture)
    {
        nint outAddress = (nint)outTexture;
        return Run(() =>
        {
            var r = Request(request);
            var size = RequireStructSize<GpuTextureInfo>(outAddress, "out_texture");
            if (!r.Owner.HasGpu)
                throw new AbiException(Status.NotAvailable, "this context has no Vulkan device; call stx_context_attach_vulkan before requesting, or read CPU pixels with stx_request_get_pixels");
            if (Finished(r) is not { } result)
                return Status.Pending;
            var t = result.GpuTexture ?? throw new AbiException(Status.NotAvailable, "the request's GPU texture was released with its context");
            *(GpuTextureInfo*)outAddress = new GpuTextureInfo
            {
                StructSize = size,
                Format = (uint)t.SampledFormat,
                Image = t.Image.Handle,
                ImageView = t.SampledView.Handle,
                Layout = (uint)t.Layout,
                Width = t.Width,
                Height = t.Height,
                MipCount = t.MipLevels,
                IsCube = t.IsCubemap ? 1 : 0,
                CacheHit = result.CacheHit ? 1 : 0,
            };
            return Status.Ok;
        });
    }

    [UnmanagedCallersOnly(EntryPoint = "stx_request_get_preview")]
    public static int RequestGetPreview(nint request, Pixels* outPixels)
    {
        nint outAddress = (nint)outPixels;
        return Run(() =>
        {
            var r = Request(request);
            var size = RequireStructSize<Pixels>(outAddress, "out_pixels");
            if (r.PreviewEvery == 0)
                throw new AbiException(Status.NotAvailable, "the request was made with preview_every 0; set preview_every to N for a preview every N steps");
            var (preview, pointer) = r.PinLatestPreview() ?? throw new AbiException(Status.NotAvailable, "no preview yet; the first comes after preview_every steps");
            WritePixels(outAddress, size, preview, pointer, cacheHit: false);
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
        try
        {
            foreach (var context in Contexts.HandlesWhere(_ => true))
                Destroy(context);
        }
        catch (Exception e)
        {
            // Unity is unloading the plugin: nothing may unwind into it.
            LastError.Set(Status.Failed, e.Message);
        }
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
                SeedtexErrorKind.Gpu => Status.Gpu,
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

    /// <summary>The request's result, or its error thrown; null (with STX_PENDING's message set) while it runs.</summary>
    private static GenerationResult? Finished(NativeRequest request)
    {
        var (result, error) = request.Outcome;
        if (error is not null)
            throw error;
        if (result is null)
            LastError.Set(Status.Pending, "the request is not finished; poll until its state is DONE (results arrive during stx_pump)");
        return result;
    }

    private static void WritePixels(nint address, uint structSize, TextureData texture, nint data, bool cacheHit) =>
        *(Pixels*)address = new Pixels
        {
            StructSize = structSize,
            Format = (uint)texture.Format,
            Width = texture.Width,
            Height = texture.Height,
            MipCount = texture.MipCount,
            FaceCount = texture.FaceCount,
            Data = data,
            Size = (ulong)texture.Pixels.Length,
            CacheHit = cacheHit ? 1 : 0,
        };

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
