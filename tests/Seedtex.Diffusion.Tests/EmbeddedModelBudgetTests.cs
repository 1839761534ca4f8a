using Seedtex.Tests;

namespace Seedtex.Diffusion.Tests;

/// <summary>seedtex-tiny ships inside the repo and the plugin, so its folder has a hard size budget.</summary>
public class EmbeddedModelBudgetTests
{
    private const long BudgetBytes = 24_000_000;

    [Fact]
    public void Seedtex_tiny_folder_fits_in_24_MB()
    {
        string folder = RepoPaths.InRepo("plugin", "models", "seedtex-tiny");
        long bytes = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);

        Assert.InRange(bytes, 1_000_000, BudgetBytes);
    }
}
