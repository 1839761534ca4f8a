using Silk.NET.Vulkan;

namespace Seedtex.Samples.HeadlessHost;

internal static class VulkanCheck
{
    public static void Check(this Result result, string call)
    {
        if (result != Result.Success)
            throw new InvalidOperationException($"{call} failed with {result}");
    }
}
