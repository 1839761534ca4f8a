using System.Diagnostics;
using System.Security.Cryptography;
using Seedtex.Core;
using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

/// <summary>
/// An image made on one VkDevice is read and written by another through an exported opaque fd, with queue-family
/// ownership moving to and from VK_QUEUE_FAMILY_EXTERNAL each way: two devices in this process, then another process.
/// </summary>
public class SharedTextureTests
{
    private static GpuTexture MakeExportable(GpuContext context, out TextureData pixels)
    {
        var values = TestTensors.Create(3, 32, 32, seed: 9);
        using var tensor = GpuTensorBuffer.Allocate(context, new TensorShape(1, 3, 32, 32), TensorElementType.Float32);
        values.CopyTo(tensor.AsSpan<float>());
        var texture = GpuTexture.Create(context, new GpuTextureDescription(PixelFormat.Rgba8Srgb, 32, 32, TextureData.FullMipCount(32, 32), Exportable: true));
        using (var submission = new ImageConverter(context).SubmitTensorToTexture(tensor, texture))
            submission.Wait();
        pixels = TextureUploader.Download(context, texture);
        return texture;
    }

    private static TextureData Inverted(TextureData data)
    {
        var bytes = data.Pixels.ToArray();
        for (int i = 0; i < bytes.Length; i++)
            bytes[i] = (byte)~bytes[i];
        return new TextureData(data.Format, data.Width, data.Height, data.MipCount, data.FaceCount, bytes);
    }

    [Fact]
    public void Two_devices_in_one_process_share_an_image_both_ways()
    {
        using var producer = new ValidatedGpu();
        using var consumer = new ValidatedGpu();
        using var original = MakeExportable(producer.Context, out var produced);

        SharedTexture.ReleaseToExternal(original);
        var info = SharedTexture.Describe(original);
        using var fd = SharedTexture.ExportOpaqueFd(original);
        using var imported = SharedTexture.ImportOpaqueFd(consumer.Context, info, fd);
        Assert.True(fd.IsClosed); // Vulkan owns the fd now
        SharedTexture.AcquireFromExternal(imported);
        var seen = TextureUploader.Download(consumer.Context, imported);
        Assert.Equal(produced.Pixels.ToArray(), seen.Pixels.ToArray());

        // And back: the consumer writes, releases; the producer acquires and sees the new pixels.
        var reply = Inverted(seen);
        using (var submission = consumer.Context.Submit(cb => TextureUploader.RecordUpload(cb, reply, imported)))
            submission.Wait();
        SharedTexture.ReleaseToExternal(imported);
        SharedTexture.AcquireFromExternal(original);
        Assert.Equal(reply.Pixels.ToArray(), TextureUploader.Download(producer.Context, original).Pixels.ToArray());
    }

    [Fact]
    public async Task Another_process_imports_the_image_reads_it_and_writes_back()
    {
        using var producer = new ValidatedGpu();
        using var original = MakeExportable(producer.Context, out var produced);
        SharedTexture.ReleaseToExternal(original);
        string info = SharedTexture.Describe(original).Serialize();
        using var fd = SharedTexture.ExportOpaqueFd(original);

        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Seedtex.Vulkan.Worker.dll"),
            Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            fd.DangerousGetHandle().ToString(System.Globalization.CultureInfo.InvariantCulture), info])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var worker = Process.Start(start)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var stderr = worker.StandardError.ReadToEndAsync(timeout.Token);
        string stdout = await worker.StandardOutput.ReadToEndAsync(timeout.Token);
        await worker.WaitForExitAsync(timeout.Token);
        Assert.True(worker.ExitCode == 0, $"worker exit {worker.ExitCode}: {await stderr}\n{stdout}");

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains($"read {Convert.ToHexString(SHA256.HashData(produced.Pixels.Span))}", lines);
        var reply = Inverted(produced);
        Assert.Contains($"wrote {Convert.ToHexString(SHA256.HashData(reply.Pixels.Span))}", lines);

        SharedTexture.AcquireFromExternal(original);
        Assert.Equal(reply.Pixels.ToArray(), TextureUploader.Download(producer.Context, original).Pixels.ToArray());
    }

    [Fact]
    public void A_texture_made_on_another_gpu_is_refused_by_uuid()
    {
        using var gpu = new ValidatedGpu();
        using var texture = MakeExportable(gpu.Context, out _);
        var info = SharedTexture.Describe(texture) with { DeviceUuid = new string('0', 32) };
        using var fd = SharedTexture.ExportOpaqueFd(texture);
        var error = Assert.Throws<SeedtexException>(() => SharedTexture.ImportOpaqueFd(gpu.Context, info, fd));
        Assert.Equal(SeedtexErrorKind.Gpu, error.Kind);
        Assert.False(fd.IsClosed); // still ours on failure
    }

    [Fact]
    public void Description_round_trips_through_text()
    {
        var info = new SharedTextureInfo(new GpuTextureDescription(PixelFormat.Rgba16Float, 64, 64, 7, Cubemap: true, Exportable: true), 123456, "AB", "CD");
        Assert.Equal(info, SharedTextureInfo.Parse(info.Serialize()));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => SharedTextureInfo.Parse("nonsense")).Kind);
    }
}
