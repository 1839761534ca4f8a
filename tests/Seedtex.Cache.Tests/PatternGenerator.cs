using System.Security.Cryptography;
using System.Text;
using Seedtex.Core;

namespace Seedtex.Cache.Tests;

/// <summary>
/// A stand-in model for bake bookkeeping tests: real pixels that depend on every request field (through a hash),
/// with a count of how often it ran. It is not a diffusion model; end-to-end bakes with the real model are the
/// lead's integration tests.
/// </summary>
internal sealed class PatternGenerator : ITextureGenerator
{
    private int _calls;

    public string ModelFingerprint => "9a77e2000000000000000000000000000000000000000000000000000000000";
    public int Calls => _calls;
    /// <summary>Prompts that make generation fail, as a broken model or out-of-memory would.</summary>
    public HashSet<string> FailingPrompts { get; } = [];

    public TextureRequest Resolve(TextureRequest request)
    {
        if (request.Width % 8 != 0 || request.Height % 8 != 0)
            throw SeedtexException.Argument($"size {request.Width}x{request.Height} must be a multiple of 8");
        return request with
        {
            Steps = request.Steps == 0 ? 4 : request.Steps,
            Guidance = float.IsNaN(request.Guidance) ? 7f : request.Guidance,
            Scheduler = request.Scheduler.Length == 0 ? "euler" : request.Scheduler,
        };
    }

    public Task<TextureData> GenerateAsync(TextureRequest request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _calls);
        if (FailingPrompts.Contains(request.Prompt))
            throw new SeedtexException(SeedtexErrorKind.Inference, $"generation of '{request.Prompt}' failed");
        return Task.FromResult(Make(request));
    }

    public static TextureData Make(TextureRequest r)
    {
        byte[] seed = SHA256.HashData(Encoding.UTF8.GetBytes($"{r.Prompt}|{r.NegativePrompt}|{r.Seed}|{r.Steps}|{r.Guidance}|{r.Scheduler}|{r.Tiling}|{r.Kind}"));
        int mips = TextureData.FullMipCount(r.Width, r.Height);
        var pixels = new byte[TextureData.ByteCount(r.Format, r.Width, r.Height, mips, 1)];
        for (int i = 0; i < pixels.Length; i++)
            pixels[i] = (byte)(seed[i % 32] + i / 256);
        return new TextureData(r.Format, r.Width, r.Height, mips, 1, pixels);
    }
}
