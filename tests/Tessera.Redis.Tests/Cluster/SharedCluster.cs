namespace Tessera.Redis.Tests.Cluster;

/// <summary>
/// The cluster the store tests share: the one <c>./test.sh</c> started (<c>TESSERA_TEST_REDIS_CLUSTER</c>, its
/// endpoints joined by commas), or else a private one started here on first use and stopped when the process exits.
/// Tests that kill nodes start clusters of their own.
/// </summary>
public static class SharedCluster
{
    private static readonly Lazy<Task<string>> Cluster = new(StartAsync);

    /// <summary>The connection string of the shared cluster.</summary>
    public static Task<string> ConnectionAsync() => Cluster.Value;

    private static async Task<string> StartAsync()
    {
        var fromEnvironment = Environment.GetEnvironmentVariable("TESSERA_TEST_REDIS_CLUSTER");
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        TestCluster cluster;
        try
        {
            cluster = await TestCluster.StartAsync();
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"TESSERA_TEST_REDIS_CLUSTER is not set and a private cluster could not be started; run ./test.sh or install redis-server: {e.Message}", e);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return cluster.ConnectionString;
    }
}
