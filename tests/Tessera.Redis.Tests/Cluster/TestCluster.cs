using System.Diagnostics;
using System.Net;
using StackExchange.Redis;
using Tessera.TestSupport;

namespace Tessera.Redis.Tests.Cluster;

/// <summary>
/// A Redis Cluster of 3 masters + 3 replicas started with <c>scripts/redis.sh cluster-start</c> on free loopback ports
/// and stopped by its PIDs. Failing to start one fails the test (never a skip).
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly Dictionary<int, int> _pids;

    private TestCluster(Dictionary<int, int> pids) => _pids = pids;

    /// <summary>The nodes' ports.</summary>
    public IReadOnlyList<int> Ports => [.. _pids.Keys.Order()];

    /// <summary>The nodes' endpoints joined by commas: the store's connection string.</summary>
    public string ConnectionString => string.Join(',', _pids.Keys.Order().Select(p => $"127.0.0.1:{p}"));

    /// <summary>Starts a private cluster on six free consecutive ports (and their bus ports, + 10000); tries three
    /// blocks, since a port free a moment ago can be taken meanwhile.</summary>
    public static async Task<TestCluster> StartAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var basePort = LoopbackPort.Block(6, 10000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            string output;
            try
            {
                output = await RunAsync("cluster-start", basePort).ConfigureAwait(false);
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                continue;
            }

            var pids = new Dictionary<int, int>();
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                var parts = line.Split(' ');
                pids[int.Parse(parts[1].Split(':')[1])] = int.Parse(parts[0]);
            }

            return pids.Count == 6 ? new TestCluster(pids) : throw new InvalidOperationException("redis.sh cluster-start printed: " + output);
        }
    }

    /// <summary>Kills the node on <paramref name="port"/> at once (SIGKILL: no goodbye to the cluster).</summary>
    public void Kill(int port)
    {
        using var process = Process.GetProcessById(_pids[port]);
        process.Kill();
        process.WaitForExit(10_000);
    }

    /// <summary>The master ports as the node on <paramref name="askPort"/> sees them (failed ones left out).</summary>
    public static async Task<int[]> MastersAsync(int askPort)
    {
        var nodes = await ClusterNodesAsync(askPort).ConfigureAwait(false);
        return [.. nodes.Where(n => n.Master && !n.Failed && n.HasSlots).Select(n => n.Port).Order()];
    }

    /// <summary>Polls until the node on <paramref name="askPort"/> reports cluster_state:ok with every slot served by a
    /// master that is not failed (and not <paramref name="without"/>); throws after <paramref name="timeout"/>.</summary>
    public static async Task WaitHealthyAsync(int askPort, TimeSpan timeout, int? without = null)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                var info = await QueryAsync(askPort, "CLUSTER", "INFO").ConfigureAwait(false);
                var nodes = await ClusterNodesAsync(askPort).ConfigureAwait(false);
                if (info.Contains("cluster_state:ok", StringComparison.Ordinal)
                    && info.Contains("cluster_slots_ok:16384", StringComparison.Ordinal)
                    && nodes.Where(n => n.Master && !n.Failed && n.Port != without).Sum(n => n.SlotCount) == 16384)
                {
                    return;
                }
            }
            catch (RedisException)
            {
                // Not answering yet: poll again.
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The cluster (asked at port {askPort}) was not healthy within {timeout}.");
            }

            await Task.Delay(100).ConfigureAwait(false);
        }
    }

    /// <summary>How many keys match <paramref name="pattern"/> on the node on <paramref name="port"/>.</summary>
    public static async Task<int> KeyCountAsync(int port, string pattern)
    {
        using var connection = await ConnectAsync(port).ConfigureAwait(false);
        return ((RedisResult[])(await connection.GetServer(IPAddress.Loopback, port).ExecuteAsync("KEYS", pattern).ConfigureAwait(false)))!.Length;
    }

    /// <summary>Polls until every replica of the primary on <paramref name="port"/> has acknowledged all its writes.</summary>
    public static async Task WaitReplicatedAsync(int port, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        while (true)
        {
            var info = (await QueryAsync(port, "INFO", "replication").ConfigureAwait(false)).Split('\n').Select(l => l.Trim()).ToArray();
            var offset = long.Parse(info.Single(l => l.StartsWith("master_repl_offset:", StringComparison.Ordinal)).Split(':')[1]);
            var replicas = info.Where(l => l.StartsWith("slave", StringComparison.Ordinal) && l.Contains("offset=", StringComparison.Ordinal))
                .Select(l => long.Parse(l.Split(',').Single(f => f.StartsWith("offset=", StringComparison.Ordinal))[7..])).ToArray();
            if (replicas.Length > 0 && replicas.All(r => r >= offset))
            {
                return;
            }

            if (watch.Elapsed > timeout)
            {
                throw new TimeoutException($"The replicas of port {port} did not catch up within {timeout}.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync() => await RunAsync("cluster-stop", [.. _pids.Values.Select(p => p.ToString())]).ConfigureAwait(false);

    private sealed record Node(int Port, bool Master, bool Failed, (int From, int To)[] Slots)
    {
        public bool HasSlots => Slots.Length > 0;

        public int SlotCount => Slots.Sum(s => s.To - s.From + 1);
    }

    private static async Task<Node[]> ClusterNodesAsync(int askPort)
    {
        var text = await QueryAsync(askPort, "CLUSTER", "NODES").ConfigureAwait(false);
        return [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line =>
        {
            var f = line.Split(' ');
            var port = int.Parse(f[1].Split('@')[0].Split(':')[1]);
            var flags = f[2].Split(',');
            var slots = f.Skip(8).Where(s => !s.StartsWith('[')).Select(s => s.Split('-')).Select(r => (int.Parse(r[0]), int.Parse(r[^1]))).ToArray();
            return new Node(port, flags.Contains("master"), flags.Contains("fail") || flags.Contains("fail?"), slots);
        })];
    }

    /// <summary>One command to one node, on a connection of its own (not cluster-aware, so it reaches exactly that node).</summary>
    public static async Task<string> QueryAsync(int port, string command, params object[] args)
    {
        using var connection = await ConnectAsync(port).ConfigureAwait(false);
        var result = await connection.GetServer(IPAddress.Loopback, port).ExecuteAsync(command, args).ConfigureAwait(false);
        return result.ToString();
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(int port) => ConnectionMultiplexer.ConnectAsync(new ConfigurationOptions
    {
        EndPoints = { { IPAddress.Loopback, port } },
        ConnectTimeout = 2000,
        AbortOnConnectFail = true,
        AllowAdmin = true,
        SyncTimeout = 5000,
        AsyncTimeout = 5000,
    });

    private static async Task<string> RunAsync(string command, params string[] args)
    {
        var info = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(TestPaths.RepoRoot, "scripts", "redis.sh"));
        info.ArgumentList.Add(command);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        using var process = Process.Start(info) ?? throw new InvalidOperationException("Could not run scripts/redis.sh.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        return process.ExitCode == 0
            ? await stdout.ConfigureAwait(false)
            : throw new InvalidOperationException($"redis.sh {command} failed (exit {process.ExitCode}): {await stderr.ConfigureAwait(false)}");
    }
}
