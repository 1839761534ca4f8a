using System.Globalization;
using System.Numerics.Tensors;
using Microsoft.ML.OnnxRuntime;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Schedulers;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// Text-to-image and image-to-image for every Stable Diffusion family a <see cref="ModelSet"/> loads. Reads like
/// the algorithm: encode the prompt, set the schedule, draw seeded noise, denoise step by step with guidance,
/// decode. One generation runs at a time per pipeline (one inference per device); other calls wait their turn.
/// </summary>
public sealed class StableDiffusionPipeline : IDisposable
{
    public const int MinSize = 64;
    public const int MaxSize = 4096;
    public const int MaxSteps = 1000;

    /// <summary>Latent columns of wrapped context on each side when decoding a backdrop (64 pixels).</summary>
    public const int BackdropDecodeContext = 8;

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);
    private readonly PromptEncoder _prompts;
    private readonly VaeCodec _vae;
    private readonly Lazy<LatentPreview> _preview;

    public StableDiffusionPipeline(ModelSet model)
    {
        Model = model;
        _prompts = new PromptEncoder(model);
        _vae = new VaeCodec(model);
        _preview = new Lazy<LatentPreview>(() =>
        {
            using var runOptions = new RunOptions();
            return LatentPreview.Fit(_vae, 4, runOptions);
        });
    }

    public ModelSet Model { get; }

    /// <summary>Element type of decoded images: what an image destination must hold.</summary>
    public Microsoft.ML.OnnxRuntime.Tensors.TensorElementType ImageType => _vae.ImageType;

    /// <summary>Fills model defaults into a request and rejects values the pipeline cannot honour, naming the fix.</summary>
    public TextureRequest Resolve(TextureRequest request)
    {
        var d = Model.Defaults;
        var r = request with
        {
            Width = request.Width == 0 ? d.Size : request.Width,
            Height = request.Height == 0 ? (request.Kind == PipelineKind.Backdrop ? d.Size / 2 : d.Size) : request.Height,
            Steps = request.Steps == 0 ? d.Steps : request.Steps,
            Guidance = float.IsNaN(request.Guidance) ? d.Guidance : request.Guidance,
            Scheduler = SchedulerFactory.CanonicalName(string.IsNullOrEmpty(request.Scheduler) ? d.Scheduler : request.Scheduler),
        };
        ValidateSize("width", r.Width);
        ValidateSize("height", r.Height);
        if (r.Steps is < 1 or > MaxSteps)
            throw SeedtexException.Argument($"steps {r.Steps} is out of range; use 1 to {MaxSteps}");
        if (!float.IsFinite(r.Guidance) || r.Guidance < 0)
            throw SeedtexException.Argument($"guidance {r.Guidance.ToString(CultureInfo.InvariantCulture)} is invalid; use a finite number >= 0 (1 or less turns guidance off)");
        // Tiling lives in the graphs (ModelSet.Load with tiling): a request must match how the model was loaded.
        if (r.Tiling != Model.Tiling && r.Kind != PipelineKind.Backdrop)
            throw SeedtexException.Argument($"model {Model.Name} is loaded with tiling '{Model.Tiling.ToString().ToLowerInvariant()}' but the request asks for '{r.Tiling.ToString().ToLowerInvariant()}'; load it with that tiling (ModelSet.Load(folder, settings, tiling); CLI: --tile)");
        switch (r.Kind)
        {
            case PipelineKind.TextToImage:
                r = r with { InitImage = null, Strength = 1f };
                break;
            case PipelineKind.ImageToImage:
                if (r.InitImage is null)
                    throw SeedtexException.Argument("img2img needs an init image; pass --init IMAGE");
                if (!(r.Strength > 0 && r.Strength <= 1))
                    throw SeedtexException.Argument($"strength {r.Strength.ToString(CultureInfo.InvariantCulture)} is out of range; use a value in (0, 1]");
                if (StartStep(r.Steps, r.Strength) >= r.Steps)
                    throw SeedtexException.Argument($"strength {r.Strength.ToString(CultureInfo.InvariantCulture)} with {r.Steps} steps runs no denoising step; raise --strength or --steps");
                if (Model.VaeEncoder is null)
                    throw SeedtexException.Model($"model {Model.Name} has no vae_encoder/model.onnx, which img2img needs");
                break;
            case PipelineKind.Backdrop:
                if (r.Width != 2 * r.Height)
                    throw SeedtexException.Argument($"a backdrop is a 2:1 equirectangular image; {r.Width}x{r.Height} is not 2:1 (use e.g. {2 * r.Height}x{r.Height} or 1024x512)");
                if (r.Height % 16 != 0)
                    throw SeedtexException.Argument($"backdrop height {r.Height} must be a multiple of 16 (its windows overlap by half); use {r.Height / 16 * 16} or {(r.Height / 16 + 1) * 16}");
                if (r.Tiling is not (TileAxes.None or TileAxes.X))
                    throw SeedtexException.Argument("a backdrop wraps in x only; drop the y tiling");
                r = r with { InitImage = null, Strength = 1f, Tiling = TileAxes.X };
                break;
            default:
                throw SeedtexException.Argument($"pipeline kind {r.Kind} is not supported; use text-to-image, image-to-image or backdrop");
        }
        return r;
    }

    /// <summary>
    /// Generates one image. <paramref name="imageDestination"/>, when given, receives the decoded tensor shape and
    /// returns a tensor over memory the caller owns (a mapped GPU buffer); ONNX Runtime then writes into it directly.
    /// </summary>
    public async Task<GeneratedImage> GenerateAsync(
        TextureRequest request,
        IProgress<GenerationProgress>? progress = null,
        CancellationToken cancellationToken = default,
        Func<long[], NativeTensor>? imageDestination = null)
    {
        var resolved = Resolve(request);
        await _oneAtATime.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await Task.Run(() => Generate(resolved, progress, imageDestination, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    private GeneratedImage Generate(TextureRequest r, IProgress<GenerationProgress>? progress, Func<long[], NativeTensor>? imageDestination, CancellationToken ct)
    {
        var timings = new PipelineTimings();
        using var runOptions = new RunOptions();
        // Cancelling stops the ONNX Runtime call in flight too, not just the loop between steps.
        using var stop = ct.Register(() => runOptions.Terminate = true);
        try
        {
            return Run(r, progress, imageDestination, timings, runOptions, ct);
        }
        catch (OnnxRuntimeException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (OnnxRuntimeException e)
        {
            throw new SeedtexException(SeedtexErrorKind.Inference, $"ONNX Runtime failed while running model {Model.Name}: {e.Message}", e);
        }
    }

    private GeneratedImage Run(TextureRequest r, IProgress<GenerationProgress>? progress, Func<long[], NativeTensor>? imageDestination, PipelineTimings timings, RunOptions runOptions, CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        void Report(GenerationStage stage, int step) => progress?.Report(new GenerationProgress(stage, step, r.Steps, started.Elapsed));

        // 1. Text conditioning: unconditional and conditional embeddings for classifier-free guidance.
        Report(GenerationStage.EncodingPrompt, 0);
        // LCM-distilled UNets take the guidance scale as an embedding (timestep_cond) instead of a second pass.
        bool guided = r.Guidance > 1f && !Model.Unet.HasInput("timestep_cond");
        using var text = _prompts.Encode(r.Prompt, r.NegativePrompt, guided, timings, runOptions);

        // 2. The noise schedule.
        var scheduler = CreateScheduler(r);

        // 3. Initial latents from the seed: pure noise, or the encoded init image noised to the start step.
        long[] latentShape = [1, 4, r.Height / 8, r.Width / 8];
        var latents = new float[latentShape.Aggregate(1L, (a, b) => a * b)];
        var random = new TorchCpuRandom(unchecked((ulong)r.Seed));
        int start = 0;
        if (r.Kind == PipelineKind.ImageToImage)
        {
            timings.BeginStage();
            float[] init = _vae.Encode(r.InitImage!.Value.Span, r.Width, r.Height, timings, runOptions);
            timings.EndStage("vae encoder");
            start = StartStep(r.Steps, r.Strength);
            var noise = new float[latents.Length];
            random.NextGaussian(noise);
            scheduler.AddNoise(init, noise, start, latents);
        }
        else
        {
            random.NextGaussian(latents);
            TensorPrimitives.Multiply(latents, scheduler.InitNoiseSigma, latents);
        }

        // 4. Denoise: predict the noise with guidance, let the scheduler take a step. A backdrop does this per
        //    window and averages the windows, each with its own scheduler state.
        int previewEvery = progress is IPreviewProgress p ? p.PreviewEvery : 0;
        var previewInput = previewEvery > 0 ? new float[latents.Length] : null;
        void StepDone(int i, float[] current)
        {
            TextureData? preview = null;
            if (previewInput is not null && ((i + 1) % previewEvery == 0 || i + 1 == r.Steps))
            {
                // The next step's model input is the latent at unit scale: what the preview map was fitted on.
                if (i + 1 < r.Steps)
                    scheduler.ScaleModelInput(current, previewInput, i + 1);
                else
                    current.CopyTo(previewInput, 0);
                preview = _preview.Value.ToTexture(previewInput, (int)latentShape[3], (int)latentShape[2]);
            }
            progress?.Report(new GenerationProgress(GenerationStage.Denoising, i + 1, r.Steps, started.Elapsed, preview));
        }
        var denoiser = new Denoiser(Model, r, text, timings, runOptions, random, ct, StepDone);
        if (r.Kind == PipelineKind.Backdrop)
            denoiser.Panorama(latents, latentShape, () => CreateScheduler(r), start);
        else
            denoiser.Whole(latents, latentShape, scheduler, start);

        // 5. Decode the latents into pixels, straight into the caller's memory when it gave some. A backdrop
        //    decodes with the other side's columns on each side, so the decoder sees its seam as a neighbourhood.
        ct.ThrowIfCancellationRequested();
        Report(GenerationStage.Decoding, r.Steps);
        timings.BeginStage();
        long[] imageShape = [1, 3, r.Height, r.Width];
        var image = imageDestination?.Invoke(imageShape) ?? new NativeTensor(_vae.ImageType, imageShape);
        try
        {
            if (r.Kind == PipelineKind.Backdrop)
                _vae.DecodeWrappingX(latents, latentShape, BackdropDecodeContext, image, timings, runOptions);
            else
                _vae.Decode(latents, latentShape, image, timings, runOptions);
        }
        catch
        {
            image.Dispose();
            throw;
        }
        timings.EndStage("vae decoder");
        timings.Finish();
        Report(GenerationStage.Done, r.Steps);
        return new GeneratedImage(r, image, timings, text.Truncated);
    }

    private IScheduler CreateScheduler(TextureRequest r)
    {
        var scheduler = SchedulerFactory.Create(r.Scheduler, Model.SchedulerConfig);
        scheduler.SetTimesteps(r.Steps);
        return scheduler;
    }

    /// <summary>
    /// img2img skips the first steps of the schedule, as diffusers does. The strength goes through decimal so 0.7f
    /// counts as 0.7 (Python's double), not 0.699999988, which would skip one step more than diffusers.
    /// </summary>
    private static int StartStep(int steps, float strength) => ImageToImageSchedule.StartStepIndex(steps, (double)(decimal)strength);

    private static void ValidateSize(string name, int value)
    {
        if (value is < MinSize or > MaxSize)
            throw SeedtexException.Argument($"{name} {value} is out of range; use {MinSize} to {MaxSize}");
        if (value % 8 != 0)
            throw SeedtexException.Argument($"{name} {value} is not a multiple of 8; use {value / 8 * 8} or {(value / 8 + 1) * 8}");
    }

    public void Dispose() => _oneAtATime.Dispose();
}
