namespace Tessera.TestSupport;

/// <summary>Where the repository and the shared peers, specs and vectors are, seen from a test run.</summary>
internal static class TestPaths
{
    private static readonly Lazy<string> Root = new(FindRepoRoot);

    /// <summary>The repository root: the directory holding Tessera.slnx.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>The project's shared directory (<c>../shared</c> from the repository root).</summary>
    public static string Shared => Path.GetFullPath(Path.Combine(RepoRoot, "..", "shared"));

    /// <summary>A file under <c>../shared</c>; fails the test when it is missing, since CI must never skip.</summary>
    public static string SharedFile(params string[] parts)
    {
        var path = Path.Combine([Shared, .. parts]);
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            throw new FileNotFoundException($"Shared test material is missing: {path}. Tests run from a checkout with ../shared beside it.", path);
        }

        return path;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tessera.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Tessera.slnx not found above " + AppContext.BaseDirectory);
    }
}
