namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// MultiDiffusion-style views over a latent that wraps around in x (Bar-Tal et al. 2023): square windows, as tall
/// as the latent, at half-window strides, the last ones reaching past the right edge back to the left. Each denoising
/// step runs every window on its own and sets each latent pixel to the weighted mean of the windows covering it, so
/// the left and right edges are denoised as neighbours and the panorama closes its seam. Each window's columns are
/// weighted sin²(π(x + ½)/size): zero-padded window edges count for almost nothing, and with half-window strides
/// the two windows over a column weigh sin² + cos² = 1, so no column is favoured.
/// </summary>
public sealed class PanoramaWindows
{
    private readonly int _channels;
    private readonly float[] _weights;
    private readonly float[] _coverage;

    public PanoramaWindows(int channels, int latentHeight, int latentWidth)
    {
        if (latentHeight % 2 != 0 || latentWidth % (latentHeight / 2) != 0 || latentWidth < latentHeight)
            throw new ArgumentException($"a {latentWidth}x{latentHeight} latent cannot be covered by half-overlapping {latentHeight}x{latentHeight} windows");
        _channels = channels;
        Height = latentHeight;
        Width = latentWidth;
        Size = latentHeight;
        Stride = latentHeight / 2;
        Count = latentWidth / Stride;
        _weights = new float[Size];
        for (int x = 0; x < Size; x++)
            _weights[x] = MathF.Pow(MathF.Sin(MathF.PI * (x + 0.5f) / Size), 2);
        _coverage = new float[latentWidth];
        for (int k = 0; k < Count; k++)
        {
            for (int x = 0; x < Size; x++)
                _coverage[(k * Stride + x) % Width] += _weights[x];
        }
    }

    public int Height { get; }
    public int Width { get; }
    /// <summary>Window width and height, in latent pixels.</summary>
    public int Size { get; }
    public int Stride { get; }
    public int Count { get; }
    public int WindowLength => _channels * Height * Size;

    /// <summary>Copies window <paramref name="index"/> out of the panorama, wrapping past the right edge.</summary>
    public void Extract(ReadOnlySpan<float> panorama, int index, Span<float> window)
    {
        int x0 = index * Stride;
        for (int row = 0; row < _channels * Height; row++)
        {
            var source = panorama.Slice(row * Width, Width);
            var target = window.Slice(row * Size, Size);
            int first = Math.Min(Size, Width - x0);
            source.Slice(x0, first).CopyTo(target);
            source[..(Size - first)].CopyTo(target[first..]);
        }
    }

    /// <summary>Adds window <paramref name="index"/>, weighted, into a panorama-sized sum.</summary>
    public void Accumulate(ReadOnlySpan<float> window, int index, Span<float> sum)
    {
        int x0 = index * Stride;
        for (int row = 0; row < _channels * Height; row++)
        {
            var source = window.Slice(row * Size, Size);
            var target = sum.Slice(row * Width, Width);
            for (int x = 0; x < Size; x++)
                target[(x0 + x) % Width] += source[x] * _weights[x];
        }
    }

    /// <summary>Turns the weighted sum of all windows into their weighted mean, in place.</summary>
    public void Average(Span<float> sum)
    {
        for (int row = 0; row < _channels * Height; row++)
        {
            var line = sum.Slice(row * Width, Width);
            for (int x = 0; x < Width; x++)
                line[x] /= _coverage[x];
        }
    }
}
