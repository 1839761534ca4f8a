using System.Buffers.Binary;
using Seedtex.Cache.Testing;
using Seedtex.Core;

namespace Seedtex.Cache.Tests;

/// <summary>Thousands of random damages to stored bytes: every one detected, none served, no crash, no big allocation.</summary>
public class CorruptionTests
{
    private const int Size = 32;
    private const long AllocationLimit = 2 << 20; // generous for a 32x32 entry; a trusted "4 GB" length would blow far past it

    [Fact]
    public void Random_damage_to_disk_entries_is_always_detected()
    {
        using var folder = new TempFolder();
        int problems = 0;
        var store = new DiskStore(folder.Path, onProblem: _ => problems++);
        int[] numbers = [0, 1, 2, 3]; // smooth (LZ4) and noise (raw) entries
        var originals = numbers.ToDictionary(n => n, n =>
        {
            store.Put(TestEntries.Key(n, Size), TestEntries.Entry(n, Size));
            return File.ReadAllBytes(store.PathFor(TestEntries.Key(n, Size)));
        });
        var random = new Random(1234);
        const int Attempts = 6000;
        for (int i = 0; i < Attempts; i++)
        {
            int n = numbers[i % numbers.Length];
            var key = TestEntries.Key(n, Size);
            byte[] damaged = Damage(originals[n], random, EntryLengthFields);
            File.WriteAllBytes(store.PathFor(key), damaged);

            long before = GC.GetAllocatedBytesForCurrentThread();
            var hit = store.TryGet(key);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(hit is null, $"attempt {i}: damaged entry served");
            Assert.True(allocated < AllocationLimit, $"attempt {i}: {allocated} bytes allocated");
            Assert.Equal(i + 1, problems);
            if (i % 500 == 499)
                Directory.Delete(store.CorruptFolder, recursive: true);
        }
        // The store still works after all that.
        store.Put(TestEntries.Key(0, Size), TestEntries.Entry(0, Size));
        Assert.True(TestEntries.Matches(store.TryGet(TestEntries.Key(0, Size))!.Entry, 0, Size));
    }

    [Fact]
    public void Random_damage_to_packs_is_detected_at_open_or_read_and_names_the_pack()
    {
        using var folder = new TempFolder();
        string path = PackTests.WritePack(folder.File("assets.stxpack"), Size, [0, 1, 2]);
        byte[] original = File.ReadAllBytes(path);
        var keys = new[] { 0, 1, 2 }.Select(n => TestEntries.Key(n, Size)).ToArray();
        var random = new Random(5678);
        const int Attempts = 5000;
        int atOpen = 0, atRead = 0;
        for (int i = 0; i < Attempts; i++)
        {
            File.WriteAllBytes(path, Damage(original, random, PackLengthFields(original)));
            long before = GC.GetAllocatedBytesForCurrentThread();
            PackReader pack;
            try
            {
                pack = PackReader.Open(path);
            }
            catch (SeedtexException e) when (e.Kind == SeedtexErrorKind.Corrupt)
            {
                Assert.Contains(path, e.Message, StringComparison.Ordinal);
                atOpen++;
                continue;
            }
            using (pack)
            {
                int failures = 0;
                foreach (var key in keys)
                {
                    try
                    {
                        pack.TryGet(key);
                    }
                    catch (SeedtexException e) when (e.Kind == SeedtexErrorKind.Corrupt)
                    {
                        Assert.Contains(path, e.Message, StringComparison.Ordinal);
                        failures++;
                    }
                }
                Assert.True(failures > 0, $"attempt {i}: damaged pack served every entry");
                atRead++;
            }
            Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < AllocationLimit);
        }
        Assert.Equal(Attempts, atOpen + atRead);
        Assert.True(atOpen > 0 && atRead > 0);
    }

    private static readonly int[] EntryLengthFields = [16, 20, 24, 28, 32, 40];

    private static int[] PackLengthFields(byte[] pack)
    {
        var fields = new List<int> { 12, 16, 24, 32 };
        int count = BinaryPrimitives.ReadInt32LittleEndian(pack.AsSpan(12));
        for (int i = 0; i < count; i++)
            fields.AddRange(new[] { 32, 40, 48, 56, 64, 68, 72 }.Select(o => 64 + i * 96 + o));
        return [.. fields];
    }

    /// <summary>One random damage: bit flips, truncation, a garbage length field, appended bytes, or an overwritten run.</summary>
    private static byte[] Damage(byte[] original, Random random, int[] lengthFields)
    {
        while (true)
        {
            byte[] bytes;
            switch (random.Next(5))
            {
                case 0:
                    bytes = (byte[])original.Clone();
                    for (int flips = random.Next(1, 4); flips > 0; flips--)
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    bytes = original[..random.Next(original.Length)];
                    break;
                case 2:
                    bytes = (byte[])original.Clone();
                    int field = lengthFields[random.Next(lengthFields.Length)];
                    long garbage = random.Next(3) switch { 0 => 4L << 30, 1 => -random.NextInt64(1, 1L << 40), _ => random.NextInt64() };
                    if (random.Next(2) == 0)
                        BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(field), (int)garbage);
                    else if (field + 8 <= bytes.Length)
                        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(field), garbage);
                    break;
                case 3:
                    bytes = [.. original, .. RandomBytes(random, random.Next(1, 5000))];
                    break;
                default:
                    bytes = (byte[])original.Clone();
                    int start = random.Next(bytes.Length);
                    random.NextBytes(bytes.AsSpan(start, Math.Min(bytes.Length - start, random.Next(1, 64))));
                    break;
            }
            if (!bytes.AsSpan().SequenceEqual(original))
                return bytes;
        }
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }
}
