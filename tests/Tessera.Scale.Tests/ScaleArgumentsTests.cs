using System.Diagnostics;

namespace Tessera.Scale.Tests;

/// <summary>The harness's command line: help, and every mistake an error naming it, never a run with defaults.</summary>
public sealed class ScaleArgumentsTests
{
    private static readonly Func<string, string?> NoServers = _ => null;

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    [InlineData("--stores", "memory", "--help")]
    public void WantsHelp_HelpFlagAnywhere_True(params string[] args) => Assert.True(ScaleArguments.WantsHelp(args));

    [Fact]
    public void WantsHelp_OptionsOnly_False() => Assert.False(ScaleArguments.WantsHelp(["--stores", "memory", "--note", "h"]));

    [Theory]
    [InlineData("unknown option '--bogus'", "--bogus", "x")]
    [InlineData("unknown option '--store'", "--store", "memory")]
    [InlineData("unexpected argument 'memory'", "memory")]
    [InlineData("unexpected argument '-s'", "-s", "memory")]
    [InlineData("option '--stores' needs a value", "--stores")]
    [InlineData("option '--sizes' needs a value", "--sizes", "--stores", "memory")]
    [InlineData("--stores: unknown store 'mysql'", "--stores", "memory,mysql")]
    [InlineData("--stores names no store", "--stores", ",")]
    [InlineData("--sizes '1000,ten' must be increasing whole numbers", "--stores", "memory", "--sizes", "1000,ten")]
    [InlineData("--sizes '10000,1000' must be increasing", "--stores", "memory", "--sizes", "10000,1000")]
    [InlineData("--sizes '999' must be increasing whole numbers, each at least 1000", "--stores", "memory", "--sizes", "999")]
    [InlineData("--ops '0' must be a whole number of at least 1", "--stores", "memory", "--ops", "0")]
    [InlineData("--ops 'many' must be a whole number", "--stores", "memory", "--ops", "many")]
    [InlineData("--stores names postgresql: give --postgres or set TESSERA_TEST_POSTGRES", "--stores", "postgresql")]
    [InlineData("--stores names redis: give --redis or set TESSERA_TEST_REDIS", "--stores", "redis")]
    public void TryParse_Mistake_FalseWithErrorNamingIt(string expected, params string[] args)
    {
        Assert.False(ScaleArguments.TryParse(args, NoServers, out var parsed, out var error));
        Assert.Null(parsed);
        Assert.StartsWith(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_EveryOption_Read()
    {
        var args = new[] { "--stores", "memory,postgresql, redis", "--sizes", "1000,5000", "--ops", "10", "--dir", "/tmp/x", "--postgres", "Host=a", "--redis", "b:1", "--out", "r.md", "--note", "quiet" };

        Assert.True(ScaleArguments.TryParse(args, NoServers, out var parsed, out var error), error);

        Assert.Equal(["memory", "postgresql", "redis"], parsed.Stores);
        Assert.Equal([1000, 5000], parsed.Sizes);
        Assert.Equal(10, parsed.Operations);
        Assert.Equal("/tmp/x", parsed.Directory);
        Assert.Equal(("Host=a", "b:1", "r.md", "quiet"), (parsed.Postgres, parsed.Redis, parsed.Output, parsed.Note));
    }

    [Fact]
    public void TryParse_NoArguments_DefaultsWithServersFromEnvironment()
    {
        var environment = new Dictionary<string, string> { ["TESSERA_TEST_POSTGRES"] = "Host=pg", ["TESSERA_TEST_REDIS"] = "redis:1" };

        Assert.True(ScaleArguments.TryParse([], environment.GetValueOrDefault, out var parsed, out var error), error);

        Assert.Equal(["memory", "file", "sqlite", "postgresql", "redis"], parsed.Stores);
        Assert.Equal([1_000, 10_000, 100_000, 1_000_000], parsed.Sizes);
        Assert.Equal(2000, parsed.Operations);
        Assert.Equal(("Host=pg", "redis:1"), (parsed.Postgres, parsed.Redis));
    }

    // The built harness itself: --help and a mistake end at once. Each call also names one tiny memory run, so a
    // regression runs that (a second), never the full default run.
    [Theory]
    [InlineData(0, "usage: dotnet run", "--help")]
    [InlineData(0, "usage: dotnet run", "-h")]
    [InlineData(2, "unknown option '--bogus'", "--bogus", "x")]
    [InlineData(2, "option '--note' needs a value", "--note")]
    public async Task Main_HelpOrMistake_ExitsWithoutRunning(int exitCode, string expected, params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Tessera.Scale.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in (string[])[dll, "--stores", "memory", "--sizes", "1000", "--ops", "1", "--dir", Path.GetTempPath(), .. args])
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.Equal(exitCode, process.ExitCode);
        Assert.Contains(expected, await output + await errors, StringComparison.Ordinal);
        Assert.DoesNotContain("memory", await errors, StringComparison.Ordinal); // the harness's progress lines name the store
    }
}
