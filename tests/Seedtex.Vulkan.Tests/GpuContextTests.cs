using Seedtex.Core;
using Seedtex.Imaging;
using Seedtex.Vulkan;
using Silk.NET.Vulkan;
using Buffer = Silk.NET.Vulkan.Buffer;

namespace Seedtex.Vulkan.Tests;

public class GpuContextTests
{
    [Fact]
    public void Headless_context_owns_a_device_with_a_compute_queue_and_the_external_memory_extensions()
    {
        using var gpu = new ValidatedGpu();
        var context = gpu.Context;
        Assert.True(context.OwnsDevice);
        Assert.NotEqual(0, context.Device.Handle);
        Assert.NotEqual(0, context.Queue.Handle);
        Assert.True(context.IsExtensionEnabled(GpuContext.ExternalMemoryFdExtension));
        Assert.True(context.IsExtensionEnabled(GpuContext.ExternalMemoryHostExtension));
    }

    [Fact]
    public void Adopted_context_works_in_the_host_device_and_leaves_the_host_intact()
    {
        using var host = new ValidatedGpu();
        var gate = new CountingQueueLock();
        using (var adopted = GpuContext.Adopt(HostLoader.Describe(host.Context, gate)))
        {
            Assert.False(adopted.OwnsDevice);
            Assert.Equal(host.Context.Device.Handle, adopted.Device.Handle);
            using var tensor = GpuTensorBuffer.Allocate(adopted, new TensorShape(1, 3, 8, 8), TensorElementType.Float32);
            tensor.AsSpan<float>().Fill(0.5f);
            using var texture = new ImageConverter(adopted).TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true);
            var pixels = TextureUploader.Download(adopted, texture);
            Assert.Equal(ColorSpace.QuantizeUnorm8(0.75f), pixels.Pixels.Span[0]);
        }

        // Two submissions went through the host's lock, each entered and left once.
        Assert.Equal(2, gate.Entered);
        Assert.Equal(0, gate.Held);
        // The host's device and queue still work after the adopted context is gone.
        using var after = GpuTensorBuffer.Allocate(host.Context, new TensorShape(1, 3, 4, 4), TensorElementType.Float32);
        using var hostTexture = new ImageConverter(host.Context).TensorToTexture(after, PixelFormat.Rgba8Srgb, withMips: false);
        host.AssertClean();
    }

    [Fact]
    public void Seedtex_writes_into_a_wrapped_host_image_and_leaves_it_alive()
    {
        using var host = new ValidatedGpu();
        // The "engine's" texture: made in the host device, owned by the host.
        using var engineTexture = GpuTexture.Create(host.Context, new GpuTextureDescription(PixelFormat.Rgba8Srgb, 16, 16, 5));
        var values = TestTensors.Create(3, 16, 16, seed: 2);
        var expected = TensorToImage.ToTexture<float>(values, 3, 16, 16, PixelFormat.Rgba8Srgb, withMips: true);

        using (var adopted = GpuContext.Adopt(HostLoader.Describe(host.Context)))
        using (var tensor = GpuTensorBuffer.Allocate(adopted, new TensorShape(1, 3, 16, 16), TensorElementType.Float32))
        using (var wrapped = GpuTexture.Wrap(adopted, engineTexture.Image, engineTexture.Description, engineTexture.Layout))
        {
            Assert.False(wrapped.OwnsImage);
            values.CopyTo(tensor.AsSpan<float>());
            using var submission = new ImageConverter(adopted).SubmitTensorToTexture(tensor, wrapped);
            submission.Wait();
            engineTexture.Layout = wrapped.Layout;
        }

        // Still alive (the validation layer would report use of a destroyed image) and holding Seedtex's pixels.
        var actual = TextureUploader.Download(host.Context, engineTexture);
        Assert.True(expected.LevelPixels(0, 0).Span.SequenceEqual(actual.LevelPixels(0, 0).Span));
    }

    [Fact]
    public void Creating_and_disposing_an_adopted_context_100_times_leaks_no_vulkan_objects()
    {
        // The validation layer reports every child object still alive when the host destroys its device; the
        // fixture fails on any message.
        using var host = new ValidatedGpu();
        var description = HostLoader.Describe(host.Context);
        for (int i = 0; i < 100; i++)
        {
            using var context = GpuContext.Adopt(description);
            using var tensor = GpuTensorBuffer.Allocate(context, new TensorShape(1, 3, 16, 16), TensorElementType.Float32);
            using var texture = new ImageConverter(context).TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true);
        }
    }

    [Fact]
    public unsafe void The_leak_check_would_catch_a_leaked_object()
    {
        var host = new ValidatedGpu();
        var vk = host.Context.Vk;
        var info = new BufferCreateInfo { SType = StructureType.BufferCreateInfo, Size = 256, Usage = BufferUsageFlags.StorageBufferBit };
        Buffer leaked;
        Assert.Equal(Result.Success, vk.CreateBuffer(host.Context.Device, &info, null, &leaked));

        var messages = host.DisposeAndCollect();

        Assert.Contains(messages, m => m.Severity == GpuMessageSeverity.Error && m.Text.Contains("VkBuffer", StringComparison.Ordinal));
    }

    [Fact]
    public void Adopting_a_queue_family_that_does_not_exist_is_an_argument_error()
    {
        using var host = new ValidatedGpu();
        var description = HostLoader.Describe(host.Context) with { QueueFamilyIndex = 99 };
        var error = Assert.Throws<SeedtexException>(() => GpuContext.Adopt(description));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, error.Kind);
        Assert.Contains("compute", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Extension_functions_are_refused_when_the_host_did_not_enable_the_extension()
    {
        using var host = new ValidatedGpu();
        var description = HostLoader.Describe(host.Context) with { EnabledDeviceExtensions = [] };
        using var adopted = GpuContext.Adopt(description);
        var error = Assert.Throws<SeedtexException>(() =>
            GpuTexture.Create(adopted, new GpuTextureDescription(PixelFormat.Rgba8Srgb, 4, 4, Exportable: true)));
        Assert.Equal(SeedtexErrorKind.Gpu, error.Kind);
        Assert.Contains(GpuContext.ExternalMemoryFdExtension, error.Message, StringComparison.Ordinal);
    }

    private sealed class CountingQueueLock : IQueueLock
    {
        public int Entered { get; private set; }
        public int Held { get; private set; }

        public void Enter()
        {
            Entered++;
            Held++;
        }

        public void Exit() => Held--;
    }
}
