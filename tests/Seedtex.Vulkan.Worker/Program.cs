// Usage: Seedtex.Vulkan.Worker <owner pid> <fd in owner> <shared texture description>
// Reopens the owner's memory fd through /proc/<pid>/fd/<n>, imports it on this process's own device, acquires it
// from VK_QUEUE_FAMILY_EXTERNAL, prints "read <sha256 of every mip>", writes the inverted pixels back, releases it
// to VK_QUEUE_FAMILY_EXTERNAL and prints "wrote <sha256>". Exit code 0 only when the validation layer said nothing.
using System.Security.Cryptography;
using Seedtex.Core;
using Seedtex.Vulkan;

if (args.Length != 3)
{
    Console.Error.WriteLine("usage: Seedtex.Vulkan.Worker <owner pid> <fd> <shared texture description>");
    return 2;
}

int messages = 0;
using (var context = GpuContext.CreateHeadless(new GpuContextOptions
{
    EnableValidation = true,
    OnMessage = m =>
    {
        Interlocked.Increment(ref messages);
        Console.Error.WriteLine($"{m.Severity} {m.MessageId}: {m.Text}");
    },
}))
{
    var info = SharedTextureInfo.Parse(args[2]);
    using var fd = File.OpenHandle($"/proc/{args[0]}/fd/{args[1]}", FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
    using var texture = SharedTexture.ImportOpaqueFd(context, info, fd);
    SharedTexture.AcquireFromExternal(texture);
    var read = TextureUploader.Download(context, texture);
    Console.WriteLine($"read {Convert.ToHexString(SHA256.HashData(read.Pixels.Span))}");

    var inverted = read.Pixels.ToArray();
    for (int i = 0; i < inverted.Length; i++)
        inverted[i] = (byte)~inverted[i];
    var written = new TextureData(read.Format, read.Width, read.Height, read.MipCount, read.FaceCount, inverted);
    using (var submission = context.Submit(cb => TextureUploader.RecordUpload(cb, written, texture)))
        submission.Wait();
    SharedTexture.ReleaseToExternal(texture);
    Console.WriteLine($"wrote {Convert.ToHexString(SHA256.HashData(inverted))}");
}
return messages == 0 ? 0 : 3;
