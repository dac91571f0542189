using System.Text.Json;
using Tessera.TestSupport;

namespace Tessera.AspNetCore.Tests;

/// <summary>
/// What an application referencing only Tessera.AspNetCore installs: read from this project's NuGet assets file (the
/// graph <c>dotnet list package --include-transitive</c> prints), walking the dependencies of Tessera.AspNetCore alone.
/// </summary>
public sealed class PackageGraphTests
{
    [Fact]
    public void AspNetCorePackage_TransitiveDependencies_AreTheCoreAndFrameworkAbstractionsOnly()
    {
        var closure = Closure("Tessera.AspNetCore");

        Assert.Contains("Tessera", closure);
        Assert.Contains("Microsoft.Extensions.Caching.Abstractions", closure);
        Assert.All(closure, name => Assert.True(
            name is "Tessera.AspNetCore" or "Tessera" || name.StartsWith("Microsoft.Extensions.", StringComparison.Ordinal),
            $"Tessera.AspNetCore pulls in {name}; it may depend on the core and the shared framework only (stores plug into the builder)."));
        foreach (var driver in new[] { "Npgsql", "StackExchange.Redis", "Microsoft.Data.Sqlite", "SQLitePCLRaw.bundle_e_sqlite3", "Tessera.Sqlite", "Tessera.PostgreSql", "Tessera.Redis" })
        {
            Assert.DoesNotContain(driver, closure);
        }
    }

    /// <summary>Names of <paramref name="root"/> and everything it depends on, transitively, in the net10.0 target.</summary>
    private static HashSet<string> Closure(string root)
    {
        var assets = Path.Combine(TestPaths.RepoRoot, "tests", "Tessera.AspNetCore.Tests", "obj", "project.assets.json");
        using var document = JsonDocument.Parse(File.ReadAllText(assets));
        var target = document.RootElement.GetProperty("targets").EnumerateObject().Single(t => t.Name == "net10.0").Value;
        var byName = target.EnumerateObject().ToDictionary(library => library.Name.Split('/')[0], library => library.Value, StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>([root]);
        while (pending.TryPop(out var name))
        {
            if (!seen.Add(name))
            {
                continue;
            }

            Assert.True(byName.TryGetValue(name, out var library), $"{name} is not in {assets}");
            if (library.TryGetProperty("dependencies", out var dependencies))
            {
                foreach (var dependency in dependencies.EnumerateObject())
                {
                    pending.Push(dependency.Name);
                }
            }
        }

        return seen;
    }
}
