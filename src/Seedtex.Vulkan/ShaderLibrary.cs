using Seedtex.Core;

namespace Seedtex.Vulkan;

/// <summary>The SPIR-V built by shaders/build.sh and embedded in this assembly (see Seedtex.Vulkan.csproj).</summary>
public static class ShaderLibrary
{
    /// <summary>Names of every embedded .spv.</summary>
    public static IReadOnlyList<string> Names { get; } = typeof(ShaderLibrary).Assembly.GetManifestResourceNames()
        .Where(n => n.EndsWith(".spv", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToArray();

    /// <summary>The SPIR-V words of <paramref name="name"/> (e.g. "tensor_to_image_rgba8.spv").</summary>
    public static byte[] Load(string name)
    {
        using var stream = typeof(ShaderLibrary).Assembly.GetManifestResourceStream(name)
            ?? throw new SeedtexException(SeedtexErrorKind.Gpu, $"shader {name} is not embedded; run shaders/build.sh and rebuild Seedtex.Vulkan");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
