namespace Tessera.StoreTesting;

/// <summary>
/// The servers the store tests share: the ones <c>./test.sh</c> started (<c>TESSERA_TEST_POSTGRES</c>,
/// <c>TESSERA_TEST_REDIS</c>), or else one of each started here on first use and stopped when the test process exits.
/// </summary>
public static class SharedServers
{
    private static readonly Lazy<Task<string>> Postgres = new(() => ConnectionAsync("TESSERA_TEST_POSTGRES", TestServer.StartPostgresAsync));
    private static readonly Lazy<Task<string>> Redis = new(() => ConnectionAsync("TESSERA_TEST_REDIS", TestServer.StartRedisAsync));

    /// <summary>An Npgsql connection string to the shared PostgreSQL server.</summary>
    public static Task<string> PostgresAsync() => Postgres.Value;

    /// <summary><c>host:port</c> of the shared Redis server.</summary>
    public static Task<string> RedisAsync() => Redis.Value;

    /// <summary>A name no other test uses, for a schema or key prefix.</summary>
    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    private static async Task<string> ConnectionAsync(string variable, Func<Task<TestServer>> start)
    {
        var fromEnvironment = Environment.GetEnvironmentVariable(variable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            return fromEnvironment;
        }

        TestServer server;
        try
        {
            server = await start().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{variable} is not set and a private server could not be started; run ./test.sh or install the server: {e.Message}", e);
        }

        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
        return server.ConnectionString;
    }
}
