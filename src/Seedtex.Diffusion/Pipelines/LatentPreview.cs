using Microsoft.ML.OnnxRuntime;
using Seedtex.Core;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// A cheap picture of a latent while it is being denoised, without the VAE: every latent pixel becomes one RGB pixel
/// through a linear map (a weight per latent channel and a bias, per colour). The map is fitted once per model by
/// least squares against the model's own decoder (its output averaged over each 8x8 block), so it suits any VAE,
/// seedtex-tiny's included, instead of factors tabulated for one family.
/// </summary>
public sealed class LatentPreview
{
    /// <summary>Latent size of the fitting decode (16x16 latents: a 128x128 image, cheap for every model).</summary>
    private const int FitSize = 16;

    // [colour][channel], then the bias of each colour at [colour][Channels].
    private readonly float[] _map;

    public LatentPreview(int channels, float[] map)
    {
        ArgumentNullException.ThrowIfNull(map);
        if (channels < 1 || map.Length != 3 * (channels + 1))
            throw new ArgumentException($"a preview map for {channels} channels has {3 * (channels + 1)} values, not {map.Length}", nameof(map));
        Channels = channels;
        _map = map;
    }

    public int Channels { get; }

    /// <summary>The fitted map: for each of R, G, B the weights of the latent channels, then a bias (decoder units, about [-1, 1]).</summary>
    public ReadOnlySpan<float> Map => _map;

    /// <summary>
    /// Fits the map for a model. With an encoder: an image of random flat colour blocks (each block 2x2 latent pixels)
    /// is encoded, so the latents are ones the encoder really makes, and paired with what the decoder makes of them.
    /// Without one: a seeded noise latent is decoded and each latent pixel is paired with its 8x8 block's colour.
    /// </summary>
    public static LatentPreview Fit(VaeCodec vae, int channels, RunOptions runOptions)
    {
        ArgumentNullException.ThrowIfNull(vae);
        return vae.HasEncoder ? FitWithEncoder(vae, channels, runOptions) : FitWithDecoder(vae, channels, runOptions);
    }

    private static LatentPreview FitWithEncoder(VaeCodec vae, int channels, RunOptions runOptions)
    {
        // Flat colours, not a decode of noise: a fine-tuned decoder renders off-distribution noise in colours that
        // say little about real latents; the encoder's latents of flat colour blocks are ones it really makes.
        const int size = FitSize * 8, block = 16, blocksPerRow = size / block;
        var colours = new byte[blocksPerRow * blocksPerRow * 3];   // RGB per block, row by row
        new Random(0).NextBytes(colours);
        var rgba = new byte[size * size * 4];
        for (int p = 0; p < size * size; p++)
        {
            int b = p / size / block * blocksPerRow + p % size / block;
            colours.AsSpan(b * 3, 3).CopyTo(rgba.AsSpan(p * 4, 3));
            rgba[p * 4 + 3] = 255;
        }
        var latents = vae.Encode(rgba, size, size, new PipelineTimings(), runOptions);
        // Targets: what the decoder makes of those latents, so the map follows this decoder's colours.
        return FitTo(latents, channels, BlockMeans(Decode(vae, latents, channels, runOptions), size, size));
    }

    private static LatentPreview FitWithDecoder(VaeCodec vae, int channels, RunOptions runOptions)
    {
        var (latents, decoded) = DecodeNoise(vae, channels, runOptions);
        return FitTo(latents, channels, BlockMeans(decoded, FitSize * 8, FitSize * 8));
    }

    private static (float[] Latents, float[] Decoded) DecodeNoise(VaeCodec vae, int channels, RunOptions runOptions)
    {
        var latents = new float[channels * FitSize * FitSize];
        new TorchCpuRandom(0).NextGaussian(latents);
        return (latents, Decode(vae, latents, channels, runOptions));
    }

    /// <summary>A FitSize x FitSize latent decoded to its 8x larger image, planar RGB in decoder units.</summary>
    private static float[] Decode(VaeCodec vae, float[] latents, int channels, RunOptions runOptions)
    {
        using var image = new NativeTensor(vae.ImageType, 1, 3, FitSize * 8, FitSize * 8);
        vae.Decode(latents, [1, channels, FitSize, FitSize], image, new PipelineTimings(), runOptions);
        var decoded = new float[3 * FitSize * 8 * FitSize * 8];
        image.Read(decoded);
        return decoded;
    }

    /// <summary>Least squares: colour[c] ≈ Σ_k map[c,k]·latent[k] + bias[c], over every latent pixel.</summary>
    public static LatentPreview FitTo(ReadOnlySpan<float> latents, int channels, ReadOnlySpan<float> colours)
    {
        int pixels = latents.Length / channels, n = channels + 1;
        if (colours.Length != 3 * pixels)
            throw new ArgumentException("one RGB colour per latent pixel is needed", nameof(colours));
        // Normal equations, shared by the three colours; a little ridge keeps them solvable for a dead channel.
        var normal = new double[n * n];
        var rhs = new double[3 * n];
        var x = new double[n];
        for (int p = 0; p < pixels; p++)
        {
            for (int k = 0; k < channels; k++)
                x[k] = latents[k * pixels + p];
            x[channels] = 1;
            for (int i = 0; i < n; i++)
            {
                for (int j = 0; j < n; j++)
                    normal[i * n + j] += x[i] * x[j];
                for (int c = 0; c < 3; c++)
                    rhs[c * n + i] += x[i] * colours[c * pixels + p];
            }
        }
        for (int i = 0; i < n; i++)
            normal[i * n + i] += 1e-6 * pixels;
        var map = new float[3 * n];
        for (int c = 0; c < 3; c++)
        {
            var solution = Solve((double[])normal.Clone(), rhs.AsSpan(c * n, n).ToArray(), n);
            for (int i = 0; i < n; i++)
                map[c * n + i] = (float)solution[i];
        }
        return new LatentPreview(channels, map);
    }

    /// <summary>An RGBA8 sRGB picture of a latent [channels, height, width] (one pixel per latent pixel).</summary>
    public TextureData ToTexture(ReadOnlySpan<float> latents, int width, int height)
    {
        int pixels = width * height;
        if (latents.Length != Channels * pixels)
            throw new ArgumentException($"expected a {Channels}x{height}x{width} latent", nameof(latents));
        var rgba = new byte[pixels * 4];
        int n = Channels + 1;
        for (int p = 0; p < pixels; p++)
        {
            for (int c = 0; c < 3; c++)
            {
                float v = _map[c * n + Channels];
                for (int k = 0; k < Channels; k++)
                    v += _map[c * n + k] * latents[k * pixels + p];
                // The decoder's [-1, 1] is sRGB-encoded already, as its full decode is.
                rgba[p * 4 + c] = (byte)Math.Clamp((int)MathF.Round((v + 1) * 127.5f), 0, 255);
            }
            rgba[p * 4 + 3] = 255;
        }
        return new TextureData(PixelFormat.Rgba8Srgb, width, height, 1, 1, rgba);
    }

    /// <summary>Average of each 8x8 block of a planar RGB image: the colour each latent pixel stands for.</summary>
    public static float[] BlockMeans(ReadOnlySpan<float> planarRgb, int width, int height)
    {
        int w = width / 8, h = height / 8;
        var means = new float[3 * w * h];
        for (int c = 0; c < 3; c++)
        {
            for (int y = 0; y < height; y++)
            {
                for (int x = 0; x < width; x++)
                    means[(c * h + y / 8) * w + x / 8] += planarRgb[(c * height + y) * width + x] / 64f;
            }
        }
        return means;
    }

    private static double[] Solve(double[] a, double[] b, int n)
    {
        // Gaussian elimination with partial pivoting on a small symmetric positive definite system.
        for (int col = 0; col < n; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < n; r++)
            {
                if (Math.Abs(a[r * n + col]) > Math.Abs(a[pivot * n + col]))
                    pivot = r;
            }
            if (pivot != col)
            {
                for (int j = 0; j < n; j++)
                    (a[col * n + j], a[pivot * n + j]) = (a[pivot * n + j], a[col * n + j]);
                (b[col], b[pivot]) = (b[pivot], b[col]);
            }
            for (int r = col + 1; r < n; r++)
            {
                double f = a[r * n + col] / a[col * n + col];
                for (int j = col; j < n; j++)
                    a[r * n + j] -= f * a[col * n + j];
                b[r] -= f * b[col];
            }
        }
        var x = new double[n];
        for (int r = n - 1; r >= 0; r--)
        {
            double s = b[r];
            for (int j = r + 1; j < n; j++)
                s -= a[r * n + j] * x[j];
            x[r] = s / a[r * n + r];
        }
        return x;
    }
}
