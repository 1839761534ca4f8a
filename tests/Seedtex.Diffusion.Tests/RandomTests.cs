using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.RegularExpressions;
using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>
/// TorchCpuRandom against noise that torch 1.13 (AVX2 kernel) produced: the shared hand-checked vectors and the
/// larger cases written by tests/reference/make_randn_reference.py. Every comparison is on the float's bits.
/// </summary>
public sealed partial class RandomTests
{
    private static readonly string SharedVectorsPath = Path.Combine(RepoPaths.SharedTestData, "torch_cpu_randn_vectors.txt");

    [Fact]
    public void RawEngineOutputsMatchTorch()
    {
        var file = SharedVectorFile.Load(SharedVectorsPath);
        var random = new TorchCpuRandom(file.Seed);
        Assert.Equal(8, file.RawOutputs.Count);
        foreach (var expected in file.RawOutputs)
            Assert.Equal(expected, random.NextUInt32());
    }

    [Fact]
    public void TwentyFourBitUniformsMatchTorch()
    {
        var file = SharedVectorFile.Load(SharedVectorsPath);
        var random = new TorchCpuRandom(file.Seed);
        Assert.Equal(8, file.Uniforms.Count);
        foreach (var expected in file.Uniforms)
            Assert.Equal(expected, (random.NextUInt32() & 0xFFFFFF) / 16777216.0f);
    }

    [Fact]
    public void EverySharedRandnVectorMatchesBitForBit()
    {
        var file = SharedVectorFile.Load(SharedVectorsPath);
        // randn(64)[:32], randn(8) (scalar path) and randn(20) (recomputed tail) in the shared file.
        Assert.Equal(3, file.RandnVectors.Count);
        foreach (var vector in file.RandnVectors)
        {
            var actual = new TorchCpuRandom(file.Seed).Randn(vector.Count);
            for (var i = 0; i < vector.Bits.Count; i++)
                AssertSameBits(vector.Bits[i], actual[i], $"randn({vector.Count})[{i}]");
        }
    }

    [Fact]
    public void GeneratedCasesFileIsIntact()
    {
        var cases = GeneratedCases.Load();
        Assert.Equal(cases.ExpectedSha256, Convert.ToHexStringLower(SHA256.HashData(cases.RawBytes)));
        Assert.Equal("AVX2", cases.CpuCapability);
    }

    [Fact]
    public void LatentsAndStreamsMatchTorchBitForBit()
    {
        var cases = GeneratedCases.Load();
        var offset = 0;
        var checkedCases = 0;
        foreach (var testCase in cases.Cases)
        {
            var random = new TorchCpuRandom(testCase.Seed);
            foreach (var count in testCase.Calls)
            {
                var actual = new float[count];
                random.NextGaussian(actual);
                for (var i = 0; i < count; i++)
                    AssertSameBits(cases.Value(offset + i), actual[i], $"{testCase.Name}, call of {count}, value {i}");
                offset += count;
            }
            checkedCases++;
        }
        Assert.Equal(cases.ValueCount, offset);
        Assert.True(checkedCases >= 48, $"only {checkedCases} cases in the generated file");
    }

    [Fact]
    public void SeedUsesOnlyItsLow32BitsLikeTorch()
    {
        var a = new TorchCpuRandom(5).Randn(40);
        var b = new TorchCpuRandom((1UL << 32) + 5).Randn(40);
        Assert.Equal(a, b);
        Assert.NotEqual(a, new TorchCpuRandom(6).Randn(40));
    }

    [Fact]
    public void EmptyRequestConsumesNothing()
    {
        var random = new TorchCpuRandom(42);
        Assert.Empty(random.Randn(0));
        Assert.Equal(new TorchCpuRandom(42).Randn(64), random.Randn(64));
    }

    [Fact]
    public void NegativeCountIsRejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new TorchCpuRandom(1).Randn(-1));
    }

    private static void AssertSameBits(uint expectedBits, float actual, string where)
    {
        var actualBits = BitConverter.SingleToUInt32Bits(actual);
        if (expectedBits != actualBits)
        {
            var expected = BitConverter.UInt32BitsToSingle(expectedBits);
            Assert.Fail($"{where}: expected {expected:R} (0x{expectedBits:x8}), got {actual:R} (0x{actualBits:x8}), " +
                        $"{Math.Abs((long)expectedBits - actualBits)} ulp apart");
        }
    }

    /// <summary>The shared, human-readable vector file: raw engine outputs, uniforms and indexed randn sections.</summary>
    private sealed partial record SharedVectorFile(ulong Seed, List<uint> RawOutputs, List<float> Uniforms, List<RandnVector> RandnVectors)
    {
        public static SharedVectorFile Load(string path)
        {
            var lines = File.ReadAllLines(path);
            var seed = ulong.Parse(SeedPattern().Match(string.Join('\n', lines)).Groups[1].Value, CultureInfo.InvariantCulture);
            var raw = new List<uint>();
            var uniforms = new List<float>();
            var vectors = new List<RandnVector>();
            for (var i = 0; i < lines.Length; i++)
            {
                var header = lines[i];
                if (!header.StartsWith("## ", StringComparison.Ordinal))
                    continue;
                if (header.Contains("raw MT19937", StringComparison.Ordinal))
                    raw.AddRange(Numbers(lines[i + 1]).Select(s => uint.Parse(s, CultureInfo.InvariantCulture)));
                else if (header.Contains("uniform24", StringComparison.Ordinal))
                    uniforms.AddRange(Numbers(lines[i + 1]).Select(s => float.Parse(s, CultureInfo.InvariantCulture)));
                else if (header.StartsWith("## torch.randn(", StringComparison.Ordinal))
                    vectors.Add(new RandnVector(int.Parse(RandnSizePattern().Match(header).Groups[1].Value, CultureInfo.InvariantCulture), IndexedBits(lines, i + 1)));
                // The "ATEN_CPU_CAPABILITY=default" section is torch's scalar kernel, which this class does not reproduce.
            }
            return new SharedVectorFile(seed, raw, uniforms, vectors);
        }

        private static string[] Numbers(string line) => line.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        private static List<uint> IndexedBits(string[] lines, int start)
        {
            var bits = new List<uint>();
            for (var i = start; i < lines.Length && !lines[i].StartsWith("##", StringComparison.Ordinal); i++)
            {
                var match = IndexedLinePattern().Match(lines[i]);
                if (!match.Success)
                    continue;
                Assert.Equal(bits.Count, int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
                bits.Add(uint.Parse(match.Groups[2].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture));
            }
            return bits;
        }

        [GeneratedRegex(@"manual_seed\((\d+)\)")]
        private static partial Regex SeedPattern();

        [GeneratedRegex(@"^## torch\.randn\((\d+)")]
        private static partial Regex RandnSizePattern();

        [GeneratedRegex(@"^\s*\[\s*(\d+)\]\s+\S+\s+0x([0-9a-fA-F]{8})")]
        private static partial Regex IndexedLinePattern();
    }

    private sealed record RandnVector(int Count, List<uint> Bits);

    private sealed record GeneratedCase(string Name, ulong Seed, int[] Calls);

    /// <summary>randn_cases.json (manifest) and randn_cases.bin (float32 values) from make_randn_reference.py.</summary>
    private sealed record GeneratedCases(byte[] RawBytes, string ExpectedSha256, string CpuCapability, int ValueCount, List<GeneratedCase> Cases)
    {
        public static GeneratedCases Load()
        {
            var folder = RepoPaths.InRepo("tests", "Seedtex.Diffusion.Tests", "TestData");
            using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "randn_cases.json")));
            var root = manifest.RootElement;
            var cases = root.GetProperty("cases").EnumerateArray().Select(c => new GeneratedCase(
                c.GetProperty("name").GetString()!,
                ulong.Parse(c.GetProperty("seed").GetString()!, CultureInfo.InvariantCulture),
                c.GetProperty("calls").EnumerateArray().Select(n => n.GetInt32()).ToArray())).ToList();
            return new GeneratedCases(
                File.ReadAllBytes(Path.Combine(folder, "randn_cases.bin")),
                root.GetProperty("sha256").GetString()!,
                root.GetProperty("cpu_capability").GetString()!,
                root.GetProperty("value_count").GetInt32(),
                cases);
        }

        public uint Value(int index) => BinaryPrimitives.ReadUInt32LittleEndian(RawBytes.AsSpan(index * 4, 4));
    }
}
