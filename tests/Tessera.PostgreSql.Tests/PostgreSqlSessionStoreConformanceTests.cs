using Npgsql;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.PostgreSql.Tests;

/// <summary>The shared store conformance suite, unchanged, against a real PostgreSQL server (a fresh schema per store).</summary>
public sealed class PostgreSqlSessionStoreConformanceTests : SessionStoreConformanceTests
{
    private readonly Dictionary<ISessionStore, string> _schemas = [];

    protected override async Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var schema = SharedServers.UniqueName("conf");
        var store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = await SharedServers.PostgresAsync(), Schema = schema }, timeProvider);
        _schemas[store] = schema;
        return store;
    }

    protected override async Task<byte[]> DumpAsync(ISessionStore store)
    {
        // Every column of every row of the store's schema, as the database returns it.
        await using var connection = new NpgsqlConnection(await SharedServers.PostgresAsync());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT key, version, data, expires_at, user_tag, listing FROM {_schemas[store]}.sessions", connection);
        await using var reader = await command.ExecuteReaderAsync();
        using var dump = new MemoryStream();
        while (await reader.ReadAsync())
        {
            dump.Write((byte[])reader[0]);
            dump.Write(BitConverter.GetBytes(reader.GetInt64(1)));
            dump.Write((byte[])reader[2]);
            dump.Write(BitConverter.GetBytes(reader.GetInt64(3)));
            dump.Write(System.Text.Encoding.UTF8.GetBytes(reader.IsDBNull(4) ? "" : reader.GetString(4)));
            dump.Write(reader.IsDBNull(5) ? [] : (byte[])reader[5]);
        }

        return dump.ToArray();
    }
}
