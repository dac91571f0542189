using Npgsql;
using Tessera.StoreTesting;

namespace Tessera.Fleet.Tests;

/// <summary>
/// A store of the fleet's own, so tests never see each other's sessions: a fresh database on the shared
/// PostgreSQL server, a private PostgreSQL server (when the test stops it), or a private redis-server.
/// </summary>
public sealed class FleetStore : IDisposable
{
    private FleetStore(string provider, string connectionString, TestServer? server)
    {
        Provider = provider;
        ConnectionString = connectionString;
        Server = server;
    }

    /// <summary><c>PostgreSql</c> or <c>Redis</c>, as <c>Tessera:Store:Provider</c> spells it.</summary>
    public string Provider { get; }

    /// <summary>The <c>Tessera:Store:ConnectionString</c> of the instances.</summary>
    public string ConnectionString { get; }

    /// <summary>The private server, when there is one.</summary>
    public TestServer? Server { get; }

    /// <summary>A fresh store for <paramref name="provider"/>; <paramref name="privateServer"/> for tests that stop it.</summary>
    public static async Task<FleetStore> CreateAsync(string provider, bool privateServer = false)
    {
        if (provider == "Redis")
        {
            var redis = await TestServer.StartRedisAsync();
            return new FleetStore(provider, redis.ConnectionString, redis);
        }

        if (privateServer)
        {
            var postgres = await TestServer.StartPostgresAsync();
            return new FleetStore(provider, postgres.ConnectionString, postgres);
        }

        var shared = await SharedServers.PostgresAsync();
        var database = SharedServers.UniqueName("fleet");
        await using (var connection = new NpgsqlConnection(shared))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {database}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new FleetStore(provider, new NpgsqlConnectionStringBuilder(shared) { Database = database }.ConnectionString, null);
    }

    /// <inheritdoc />
    public void Dispose() => Server?.Dispose();
}
