using System.Runtime.InteropServices;

namespace Seedtex.Vulkan.Tests;

internal static class PixelAssert
{
    /// <summary>Every byte within 1 of the expected one; at least one pixel compared.</summary>
    public static void WithinOneStep(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        Assert.True(expected.Length > 0, $"{what}: nothing to compare");
        for (int i = 0; i < expected.Length; i++)
        {
            if (Math.Abs(expected[i] - actual[i]) > 1)
                Assert.Fail($"{what}: byte {i} (pixel {i / 4}, channel {i % 4}) is {actual[i]}, CPU twin says {expected[i]}");
        }
    }

    /// <summary>Half-float pixels within a relative tolerance.</summary>
    public static void HalvesClose(ReadOnlySpan<byte> expected, ReadOnlySpan<byte> actual, float tolerance, string what)
    {
        var e = MemoryMarshal.Cast<byte, Half>(expected);
        var a = MemoryMarshal.Cast<byte, Half>(actual);
        Assert.Equal(e.Length, a.Length);
        for (int i = 0; i < e.Length; i++)
        {
            float x = (float)e[i], y = (float)a[i];
            if (Math.Abs(x - y) > tolerance * Math.Max(1f, Math.Abs(x)))
                Assert.Fail($"{what}: half {i} is {y}, CPU twin says {x}");
        }
    }
}
