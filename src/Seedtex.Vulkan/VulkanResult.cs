using Seedtex.Core;
using Silk.NET.Vulkan;

namespace Seedtex.Vulkan;

internal static class VulkanResult
{
    /// <summary>Turns a failed Vulkan call into a <see cref="SeedtexErrorKind.Gpu"/> error naming the call.</summary>
    public static void Check(this Result result, string call)
    {
        if (result != Result.Success)
            throw new SeedtexException(SeedtexErrorKind.Gpu, $"{call} failed with {result}");
    }
}
