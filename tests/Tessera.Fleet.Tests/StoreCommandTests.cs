using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.TestSupport;

namespace Tessera.Fleet.Tests;

/// <summary><c>tessera store stats|sweep --provider postgresql|redis --connection VALUE</c> against real servers.</summary>
public sealed class StoreCommandTests
{
    [Theory]
    [InlineData("PostgreSql")]
    [InlineData("Redis")]
    public async Task StatsThenSweep_OneLiveOneExpired_CountsThenDeletesTheExpired(string provider)
    {
        using var fleetStore = await FleetStore.CreateAsync(provider);
        ISessionStore store = provider == "Redis"
            ? new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = fleetStore.ConnectionString, ExpiryMargin = TimeSpan.FromMinutes(10) }, TimeProvider.System)
            : new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = fleetStore.ConnectionString }, TimeProvider.System);
        // The Redis key of the expired record outlives its expiry by the margin, so the commands still find it.
        var now = DateTimeOffset.UtcNow;
        await store.SaveAsync(new SessionRecord(NewKey(), 1, new byte[] { 1 }, now.AddMinutes(20)), 0, default);
        await store.SaveAsync(new SessionRecord(NewKey(), 1, new byte[] { 2 }, now.AddMilliseconds(-1)), 0, default);
        (store as IDisposable)?.Dispose();
        var name = provider.ToLowerInvariant();

        var (statsExit, stats) = await TesseraAsync("store", "stats", "--provider", name, "--connection", fleetStore.ConnectionString);
        var (sweepExit, sweep) = await TesseraAsync("store", "sweep", "--provider", name, "--connection", fleetStore.ConnectionString);
        var (afterExit, after) = await TesseraAsync("store", "stats", "--provider", name, "--connection", fleetStore.ConnectionString);

        Assert.Equal(0, statsExit);
        Assert.Equal(name, stats["provider"]!.GetValue<string>());
        Assert.Equal(1, stats["live"]!.GetValue<int>());
        Assert.Equal(1, stats["expired"]!.GetValue<int>());
        Assert.Equal(0, sweepExit);
        Assert.Equal(1, sweep["swept"]!.GetValue<int>());
        Assert.Equal(0, afterExit);
        Assert.Equal(0, after["expired"]!.GetValue<int>());
        Assert.Equal(1, after["live"]!.GetValue<int>());
    }

    private static SessionKey NewKey() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));

    private static async Task<(int Exit, JsonObject Json)> TesseraAsync(params string[] args)
    {
        var (exit, output, error) = await RunAsync(args);
        Assert.True(exit == 0, $"tessera {string.Join(' ', args[..2])} exited {exit}: {error}");
        return (exit, JsonNode.Parse(output)!.AsObject());
    }

    internal static async Task<(int Exit, string Output, string Error)> RunAsync(params string[] args)
    {
        var testDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/'));
        var dll = Path.Combine(TestPaths.RepoRoot, "src", "Tessera.Cli", "bin", testDir.Parent!.Name, testDir.Name, "Tessera.Cli.dll");
        Assert.True(File.Exists(dll), $"The CLI is not built: {dll}");
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
