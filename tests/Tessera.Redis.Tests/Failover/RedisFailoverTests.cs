using System.Diagnostics;
using Tessera.Redis.Tests.Cluster;
using Tessera.StoreTesting;
using Xunit.Abstractions;

namespace Tessera.Redis.Tests.Failover;

/// <summary>
/// A Redis primary dies while signed-in clients use their sessions through a real ASP.NET Core pipeline: every
/// answer is a 200 for the client's own user or a 503 (never a 500, never another user, never signed out), a replica
/// takes over, and afterwards every session is intact.
/// </summary>
public sealed class RedisFailoverTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task ClusterMasterKilled_UnderLoad_Answers200Or503AndReplicaTakesOverWithSessionsIntact()
    {
        var watch = Stopwatch.StartNew();
        await using var cluster = await TestCluster.StartAsync();
        output.WriteLine($"cluster up: {watch.Elapsed}");
        var prefix = SharedServers.UniqueName("fo") + ":";
        await using var app = await FailoverApp.StartAsync(cluster.ConnectionString, prefix, clients: 24);
        var masters = await TestCluster.MastersAsync(cluster.Ports[0]);
        var records = new Dictionary<int, int>();
        foreach (var master in masters)
        {
            await TestCluster.WaitReplicatedAsync(master, Patience);
            records[master] = await TestCluster.KeyCountAsync(master, prefix + "s:*");
        }

        Assert.All(records.Values, count => Assert.True(count > 0, "every master holds sessions"));
        var victim = records.MaxBy(r => r.Value).Key;
        var survivor = masters.First(m => m != victim);

        using var stop = new CancellationTokenSource();
        var load = app.RunAsync(stop.Token);
        await app.WaitAllServedSinceAsync(Stopwatch.GetTimestamp(), Patience);
        output.WriteLine($"load running: {watch.Elapsed}");
        cluster.Kill(victim);
        await TestCluster.WaitHealthyAsync(survivor, Patience, without: victim);
        output.WriteLine($"failed over: {watch.Elapsed}");
        await app.WaitAllServedSinceAsync(Stopwatch.GetTimestamp(), Patience);
        output.WriteLine($"every client served again: {watch.Elapsed} ({app.Served} served, {app.Unavailable} answered 503)");
        await stop.CancelAsync();
        await load;

        AssertOnly200Or503(app);
        Assert.DoesNotContain(victim, await TestCluster.MastersAsync(survivor));
        Assert.Equal(3, (await TestCluster.MastersAsync(survivor)).Length);
        var after = await app.CheckEveryClientAsync();
        Assert.True(after.Length == 0, string.Join(" | ", after));
    }

    [Fact]
    public async Task PrimaryKilledAndReplicaPromotedByHand_UnderLoad_Answers200Or503AndSessionsIntact()
    {
        using var primary = await TestServer.StartRedisAsync();
        using var replica = await TestServer.StartRedisAsync();
        await TestCluster.QueryAsync(replica.Port, "REPLICAOF", "127.0.0.1", primary.Port);
        // Both endpoints in the connection string: the client follows whichever one is the primary.
        await using var app = await FailoverApp.StartAsync($"{primary.ConnectionString},{replica.ConnectionString}", SharedServers.UniqueName("fo") + ":", clients: 16);
        await TestCluster.WaitReplicatedAsync(primary.Port, Patience);

        using var stop = new CancellationTokenSource();
        var load = app.RunAsync(stop.Token);
        await app.WaitAllServedSinceAsync(Stopwatch.GetTimestamp(), Patience);
        var watch = Stopwatch.StartNew();
        KillAndRemove(primary);
        await TestCluster.QueryAsync(replica.Port, "REPLICAOF", "NO", "ONE");
        output.WriteLine($"promoted: {watch.Elapsed}");
        await app.WaitAllServedSinceAsync(Stopwatch.GetTimestamp(), Patience);
        output.WriteLine($"every client served again: {watch.Elapsed} ({app.Served} served, {app.Unavailable} answered 503)");
        await stop.CancelAsync();
        await load;

        AssertOnly200Or503(app);
        var after = await app.CheckEveryClientAsync();
        Assert.True(after.Length == 0, string.Join(" | ", after));
    }

    private static void AssertOnly200Or503(FailoverApp app) =>
        Assert.True(app.Wrong.Count == 0, $"{app.Wrong.Count} wrong answers (served {app.Served}, 503 {app.Unavailable}): "
            + string.Join(" | ", app.Wrong.Distinct().Take(5)) + "\n" + string.Join("\n", app.Errors.Entries.Take(2)));

    /// <summary>SIGKILL, as a crash would, then removes the directory <c>redis.sh</c> made (its stop can no longer find it).</summary>
    private static void KillAndRemove(TestServer server)
    {
        var directory = File.ResolveLinkTarget($"/proc/{server.Pid}/cwd", returnFinalTarget: false)!.FullName;
        using (var process = Process.GetProcessById(server.Pid))
        {
            process.Kill();
            process.WaitForExit(10_000);
        }

        Directory.Delete(directory, recursive: true);
    }
}
