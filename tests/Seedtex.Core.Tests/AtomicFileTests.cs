using Seedtex.Core;

namespace Seedtex.Core.Tests;

public class AtomicFileTests
{
    [Fact]
    public async Task Replaces_whole_file_and_leaves_no_temp()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-atomic").FullName;
        string path = Path.Combine(dir, "out.bin");
        await File.WriteAllTextAsync(path, "old");
        await AtomicFile.WriteAsync(path, new byte[] { 1, 2, 3 });
        Assert.Equal(new byte[] { 1, 2, 3 }, await File.ReadAllBytesAsync(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Failure_midway_keeps_old_file_and_removes_temp()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-atomic").FullName;
        string path = Path.Combine(dir, "out.bin");
        await File.WriteAllTextAsync(path, "old");
        await Assert.ThrowsAsync<IOException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[1000], ct);
            throw new IOException("No space left on device");
        }));
        Assert.Equal("old", await File.ReadAllTextAsync(path));
        Assert.Single(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Cancellation_writes_nothing()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-atomic").FullName;
        string path = Path.Combine(dir, "new.bin");
        using var cts = new CancellationTokenSource();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => AtomicFile.WriteAsync(path, async (stream, ct) =>
        {
            await stream.WriteAsync(new byte[10], ct);
            await cts.CancelAsync();
        }, cts.Token));
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Missing_folder_is_a_typed_io_error()
    {
        string path = Path.Combine(Path.GetTempPath(), "seedtex-no-such-folder-" + Guid.NewGuid().ToString("N"), "x.png");
        var e = await Assert.ThrowsAsync<SeedtexException>(() => AtomicFile.WriteAsync(path, new byte[1]));
        Assert.Equal(SeedtexErrorKind.Io, e.Kind);
        Assert.Contains("does not exist", e.Message, StringComparison.Ordinal);
    }
}
