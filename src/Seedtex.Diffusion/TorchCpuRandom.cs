namespace Seedtex.Diffusion;

/// <summary>
/// Gaussian noise that is bit for bit what <c>torch.randn(n, generator=torch.Generator().manual_seed(seed))</c>
/// gives on the CPU, so a seed means here what it means in diffusers (CPU generator) and ComfyUI.
/// </summary>
/// <remarks>
/// <para>Matched against torch 1.13 (Debian python3-torch, ATen CPU capability AVX2):</para>
/// <list type="bullet">
/// <item>The engine is MT19937 seeded with the low 32 bits of the seed, as torch's <c>at::mt19937</c> does
/// (so seeds 5 and 2^32+5 give the same noise, as in torch).</item>
/// <item>n ≥ 16 (torch's <c>normal_fill_AVX2</c>): n uniforms <c>(mt() &amp; 0xFFFFFF) · 2^-24</c>, then Box-Muller on
/// each block of 16 (u1 = 1 − first 8, u2 = next 8; first 8 outputs r·cos θ, next 8 r·sin θ). When n is not a
/// multiple of 16 the last 16 slots are refilled with 16 fresh uniforms and transformed again. The float log and
/// sin/cos are the cephes polynomials of torch's avx_mathfun.h, evaluated with the multiply-adds that GCC fuses into
/// FMA instructions in that build: every Horner step, the range reduction, <c>y·z + e·q1</c> (the y·z product
/// fused), <c>y − z/2</c>, <c>x + e·q2</c>, the sine's <c>y·x + x</c> and the cosine's <c>y·z − z/2</c> (the y·z product
/// fused). With that order every vector in shared/testdata and all 99,825 values of
/// tests/reference/make_randn_reference.py's cases (six 1×4×64×64 latents, sizes 1–40, mixed-size streams) match
/// exactly; without FMA about 1 value in 120 is 1–2 ulp off. A torch build without AVX2 (scalar std::log/cos/sin) differs by up to 42 ulp
/// and is not what this class reproduces.</item>
/// <item>n &lt; 16 (torch's serial <c>normal_distribution&lt;double&gt;</c>): 53-bit double uniforms from two engine
/// outputs (first one high), Box-Muller in double with u2 inside the log, cos kept and sin cached on the generator;
/// the cached value is used by the next n &lt; 16 call, exactly as torch keeps it across calls. The double log/sin/cos
/// come from the platform C library, as in torch; glibc matches bit for bit after the cast to float.</item>
/// </list>
/// <para>Consecutive calls continue the stream like consecutive <c>torch.randn</c> calls on one generator. Not thread safe.</para>
/// </remarks>
public sealed class TorchCpuRandom
{
    private const int StateSize = 624;
    private const int ShiftSize = 397;
    private const int BlockSize = 16;
    private const int HalfBlock = BlockSize / 2;

    private readonly uint[] _state = new uint[StateSize];
    private int _nextIndex;
    private bool _hasCachedNormal;
    private double _cachedNormal;

    /// <summary>Seeds the stream like <c>torch.Generator().manual_seed(seed)</c>; negative Python seeds map to their two's complement.</summary>
    public TorchCpuRandom(ulong seed)
    {
        Seed = seed;
        _state[0] = (uint)seed;
        for (var i = 1; i < StateSize; i++)
        {
            var previous = _state[i - 1];
            _state[i] = (1812433253u * (previous ^ (previous >> 30))) + (uint)i;
        }
        _nextIndex = StateSize;
    }

    /// <summary>The seed this stream started from.</summary>
    public ulong Seed { get; }

    /// <summary>The next raw MT19937 output (what <c>std::mt19937</c> and torch's engine give).</summary>
    public uint NextUInt32()
    {
        if (_nextIndex >= StateSize)
            Twist();

        var y = _state[_nextIndex++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9D2C5680u;
        y ^= (y << 15) & 0xEFC60000u;
        y ^= y >> 18;
        return y;
    }

    /// <summary>Fills <paramref name="destination"/> with what <c>torch.randn(destination.Length)</c> would give next.</summary>
    public void NextGaussian(Span<float> destination)
    {
        if (destination.Length >= BlockSize)
            FillBlocks(destination);
        else
            FillSerial(destination);
    }

    /// <summary>A new array holding <c>torch.randn(count)</c>.</summary>
    public float[] Randn(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var values = new float[count];
        NextGaussian(values);
        return values;
    }

    private void Twist()
    {
        // The textbook MT19937 regeneration, split where the (i + 397) and (i + 1) neighbours wrap around.
        for (var i = 0; i < StateSize - ShiftSize; i++)
            _state[i] = Mix(_state[i], _state[i + 1], _state[i + ShiftSize]);
        for (var i = StateSize - ShiftSize; i < StateSize - 1; i++)
            _state[i] = Mix(_state[i], _state[i + 1], _state[i + ShiftSize - StateSize]);
        _state[StateSize - 1] = Mix(_state[StateSize - 1], _state[0], _state[ShiftSize - 1]);
        _nextIndex = 0;
    }

    private static uint Mix(uint current, uint next, uint shifted)
    {
        var y = (current & 0x80000000u) | (next & 0x7FFFFFFFu);
        var mixed = shifted ^ (y >> 1);
        return (y & 1) != 0 ? mixed ^ 0x9908B0DFu : mixed;
    }

    private float NextUniform24() => (NextUInt32() & 0xFFFFFF) * (1.0f / (1 << 24));

    private double NextUniform53()
    {
        ulong high = NextUInt32();
        ulong low = NextUInt32();
        const ulong mask = (1UL << 53) - 1;
        return (((high << 32) | low) & mask) * (1.0 / (1UL << 53));
    }

    private void FillBlocks(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
            destination[i] = NextUniform24();

        var fullEnd = destination.Length - (destination.Length % BlockSize);
        for (var start = 0; start < fullEnd; start += BlockSize)
            BoxMullerBlock(destination.Slice(start, BlockSize));

        if (fullEnd != destination.Length)
        {
            // torch recomputes the last 16 slots (overlapping the previous block) from fresh uniforms.
            var tail = destination[^BlockSize..];
            for (var i = 0; i < BlockSize; i++)
                tail[i] = NextUniform24();
            BoxMullerBlock(tail);
        }
    }

    private static void BoxMullerBlock(Span<float> block)
    {
        // 2π rounded to float from the double constant, as torch's set1_ps(2.0f * pi<double>) does.
        const float twoPi = (float)(2.0 * Math.PI);
        for (var k = 0; k < HalfBlock; k++)
        {
            var radius = MathF.Sqrt(-2.0f * CephesFloat.Log(1.0f - block[k]));
            CephesFloat.SinCos(twoPi * block[k + HalfBlock], out var sin, out var cos);
            block[k] = radius * cos;
            block[k + HalfBlock] = radius * sin;
        }
    }

    private void FillSerial(Span<float> destination)
    {
        for (var i = 0; i < destination.Length; i++)
        {
            if (_hasCachedNormal)
            {
                _hasCachedNormal = false;
                destination[i] = (float)_cachedNormal;
                continue;
            }
            var u1 = NextUniform53();
            var u2 = NextUniform53();
            var radius = Math.Sqrt(-2.0 * Math.Log(1.0 - u2));
            var theta = 2.0 * Math.PI * u1;
            _cachedNormal = radius * Math.Sin(theta);
            _hasCachedNormal = true;
            destination[i] = (float)(radius * Math.Cos(theta));
        }
    }

    /// <summary>
    /// The cephes single-precision log and sin/cos as torch's AVX2 kernel evaluates them (avx_mathfun.h), one lane at
    /// a time. Only the inputs the Box-Muller step produces are handled: log of (0, 1], sin/cos of [0, 2π).
    /// </summary>
    private static class CephesFloat
    {
        // Constants are written as double literals cast to float: that is how the C header's float arrays round them.
        private const float SqrtHalf = (float)0.707106781186547524;
        private const float LogP0 = (float)7.0376836292E-2;
        private const float LogP1 = (float)-1.1514610310E-1;
        private const float LogP2 = (float)1.1676998740E-1;
        private const float LogP3 = (float)-1.2420140846E-1;
        private const float LogP4 = (float)1.4249322787E-1;
        private const float LogP5 = (float)-1.6668057665E-1;
        private const float LogP6 = (float)2.0000714765E-1;
        private const float LogP7 = (float)-2.4999993993E-1;
        private const float LogP8 = (float)3.3333331174E-1;
        private const float LogQ1 = (float)-2.12194440e-4;
        private const float LogQ2 = (float)0.693359375;

        private const float FourOverPi = (float)1.27323954473516;
        private const float MinusDp1 = (float)-0.78515625;
        private const float MinusDp2 = (float)-2.4187564849853515625e-4;
        private const float MinusDp3 = (float)-3.77489497744594108e-8;
        private const float SinP0 = (float)-1.9515295891E-4;
        private const float SinP1 = (float)8.3321608736E-3;
        private const float SinP2 = (float)-1.6666654611E-1;
        private const float CosP0 = (float)2.443315711809948E-005;
        private const float CosP1 = (float)-1.388731625493765E-003;
        private const float CosP2 = (float)4.166664568298827E-002;

        public static float Log(float value)
        {
            var bits = BitConverter.SingleToInt32Bits(value);
            var exponent = (float)((bits >> 23) - 0x7f) + 1.0f;
            // Mantissa rescaled into [0.5, 1).
            var mantissa = BitConverter.Int32BitsToSingle((bits & ~0x7f800000) | BitConverter.SingleToInt32Bits(0.5f));
            float x;
            if (mantissa < SqrtHalf)
            {
                exponent -= 1.0f;
                x = (mantissa - 1.0f) + mantissa;
            }
            else
            {
                x = mantissa - 1.0f;
            }

            var z = x * x;
            var y = LogP0;
            y = MathF.FusedMultiplyAdd(y, x, LogP1);
            y = MathF.FusedMultiplyAdd(y, x, LogP2);
            y = MathF.FusedMultiplyAdd(y, x, LogP3);
            y = MathF.FusedMultiplyAdd(y, x, LogP4);
            y = MathF.FusedMultiplyAdd(y, x, LogP5);
            y = MathF.FusedMultiplyAdd(y, x, LogP6);
            y = MathF.FusedMultiplyAdd(y, x, LogP7);
            y = MathF.FusedMultiplyAdd(y, x, LogP8);
            y *= x;
            y = MathF.FusedMultiplyAdd(y, z, exponent * LogQ1);
            y = MathF.FusedMultiplyAdd(-z, 0.5f, y);
            x += y;
            return MathF.FusedMultiplyAdd(exponent, LogQ2, x);
        }

        public static void SinCos(float angle, out float sin, out float cos)
        {
            var octant = (int)(angle * FourOverPi);
            octant = (octant + 1) & ~1;
            var octantAsFloat = (float)octant;

            // Extended-precision reduction: angle - octant·π/4 in three parts.
            var x = MathF.FusedMultiplyAdd(octantAsFloat, MinusDp1, angle);
            x = MathF.FusedMultiplyAdd(octantAsFloat, MinusDp2, x);
            x = MathF.FusedMultiplyAdd(octantAsFloat, MinusDp3, x);

            var z = x * x;
            var cosPoly = CosP0;
            cosPoly = MathF.FusedMultiplyAdd(cosPoly, z, CosP1);
            cosPoly = MathF.FusedMultiplyAdd(cosPoly, z, CosP2);
            cosPoly *= z;
            cosPoly = MathF.FusedMultiplyAdd(cosPoly, z, -(z * 0.5f));
            cosPoly += 1.0f;

            var sinPoly = SinP0;
            sinPoly = MathF.FusedMultiplyAdd(sinPoly, z, SinP1);
            sinPoly = MathF.FusedMultiplyAdd(sinPoly, z, SinP2);
            sinPoly *= z;
            sinPoly = MathF.FusedMultiplyAdd(sinPoly, x, x);

            var sinPolyIsSine = (octant & 2) == 0;
            sin = sinPolyIsSine ? sinPoly : cosPoly;
            cos = sinPolyIsSine ? cosPoly : sinPoly;
            if ((octant & 4) != 0)
                sin = -sin;
            if ((~(octant - 2) & 4) != 0)
                cos = -cos;
        }
    }
}
