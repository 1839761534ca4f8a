namespace Seedtex.Tests;

/// <summary>Finds the repository root (the folder holding Plugin.sln) and the shared test data beside it.</summary>
public static class RepoPaths
{
    private static readonly Lazy<string> RootPath = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir != null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Plugin.sln")))
                return dir.FullName;
        }
        throw new InvalidOperationException($"no Plugin.sln above {AppContext.BaseDirectory}");
    });

    public static string Root => RootPath.Value;

    /// <summary>../shared/testdata beside the checkout: test vectors that come with the project, not the repo.</summary>
    public static string SharedTestData => Path.GetFullPath(Path.Combine(Root, "..", "shared", "testdata"));

    public static string InRepo(params string[] parts) => Path.Combine([Root, .. parts]);
}
