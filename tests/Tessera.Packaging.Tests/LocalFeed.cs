using System.Reflection;
using System.Security.Cryptography;
using Tessera.TestSupport;

namespace Tessera.Packaging.Tests;

/// <summary>
/// Every package of the repository, packed once per test class into a folder feed under a version of their own
/// (so no copy cached from an earlier run is used), and removed from the NuGet cache afterwards.
/// </summary>
public sealed class LocalFeed : IAsyncLifetime
{
    private static readonly TimeSpan PackTimeout = TimeSpan.FromMinutes(5);

    /// <summary>A temporary directory the tests may fill; deleted at the end.</summary>
    public string WorkDirectory { get; } = Directory.CreateTempSubdirectory("tessera-packaging-").FullName;

    /// <summary>The feed: a folder of .nupkg files.</summary>
    public string FeedDirectory => Path.Combine(WorkDirectory, "feed");

    /// <summary>The version every package was packed with.</summary>
    public string Version { get; private set; } = "";

    public async Task InitializeAsync()
    {
        var configuration = typeof(LocalFeed).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Configuration").Value!;
        var suffix = "consumption" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        // The projects were built with this test project (its ProjectReferences), so pack only packs.
        await Processes.RunAsync("dotnet", ["pack", "Tessera.slnx", "-c", configuration, "--no-build", "-nologo", "-o", FeedDirectory, "-p:VersionSuffix=" + suffix], TestPaths.RepoRoot, PackTimeout);
        var aspNetCore = Directory.GetFiles(FeedDirectory, "Tessera.AspNetCore.*.nupkg").Select(Path.GetFileName).Single(n => !n!.EndsWith(".snupkg", StringComparison.Ordinal))!;
        Version = aspNetCore["Tessera.AspNetCore.".Length..^".nupkg".Length];
        Assert.EndsWith("-" + suffix, Version);
    }

    /// <summary>The package ids in the feed.</summary>
    public IReadOnlyList<string> PackageIds() =>
        [.. Directory.GetFiles(FeedDirectory, "*.nupkg").Select(p => Path.GetFileName(p)[..^(Version.Length + ".nupkg".Length + 1)])];

    public Task DisposeAsync()
    {
        var cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES") ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        if (Version.Length > 0)
        {
            foreach (var id in PackageIds())
            {
                var cached = Path.Combine(cache, id.ToLowerInvariant(), Version);
                if (Directory.Exists(cached))
                {
                    Directory.Delete(cached, recursive: true);
                }

                if (Directory.Exists(Path.GetDirectoryName(cached)) && !Directory.EnumerateFileSystemEntries(Path.GetDirectoryName(cached)!).Any())
                {
                    Directory.Delete(Path.GetDirectoryName(cached)!);
                }
            }
        }

        Directory.Delete(WorkDirectory, recursive: true);
        return Task.CompletedTask;
    }
}
