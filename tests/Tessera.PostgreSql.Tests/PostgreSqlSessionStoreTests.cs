using Tessera.TestSupport;
using System.Security.Cryptography;
using Npgsql;
using Tessera.PostgreSql;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.PostgreSql.Tests;

/// <summary>What only the PostgreSQL store does: schema migration, the SQL-side version check, batches, failures.</summary>
public sealed class PostgreSqlSessionStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public async Task EnsureSchema_TwoStoresAtOnce_MigrateOnceAndBothWork()
    {
        var connection = await SharedServers.PostgresAsync();
        var schema = SharedServers.UniqueName("mig");
        await using var a = Store(connection, schema);
        await using var b = Store(connection, schema);

        await Task.WhenAll(a.EnsureSchemaAsync(default).AsTask(), b.EnsureSchemaAsync(default).AsTask());

        Assert.Equal(SaveResult.Saved, await a.SaveAsync(Record(Key(), 1), 0, default));
        await using var sql = new NpgsqlConnection(connection);
        await sql.OpenAsync();
        await using var count = new NpgsqlCommand($"SELECT count(*), max(version) FROM {schema}.schema_version", sql);
        await using var reader = await count.ExecuteReaderAsync();
        await reader.ReadAsync();
        Assert.Equal(2L, reader.GetInt64(0));
        Assert.Equal(2, reader.GetInt32(1));
    }

    [Fact]
    public async Task CreateSchemaOff_Version1Schema_ReadsWithoutMigratingThenTheApplicationMigrates()
    {
        var connection = await SharedServers.PostgresAsync();
        var schema = SharedServers.UniqueName("v1");
        await using (var app = Store(connection, schema))
        {
            Assert.Equal(SaveResult.Saved, await app.SaveAsync(Record(Key(), 1), 0, default));
        }

        await ExecuteAsync(connection, $"DROP TABLE {schema}.settings; DELETE FROM {schema}.schema_version WHERE version = 2");
        await using var reader = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = schema, CreateSchema = false }, TimeProvider.System);
        Assert.Equal(1, (await reader.GetStatisticsAsync(default)).Live);
        Assert.Null(await reader.ReadKeyCheckAsync(default));
        Assert.Equal(1, await ScalarAsync<int>(connection, $"SELECT max(version) FROM {schema}.schema_version"));

        await using var migrating = Store(connection, schema);
        Assert.True(await migrating.ReplaceKeyCheckAsync(null, [7], default));
        Assert.Equal(2, await ScalarAsync<int>(connection, $"SELECT max(version) FROM {schema}.schema_version"));
        Assert.Equal(1, (await migrating.GetStatisticsAsync(default)).Live);
    }

    [Fact]
    public async Task CreateSchemaOff_NoSchema_ThrowsAndCreatesNothing()
    {
        var connection = await SharedServers.PostgresAsync();
        var schema = SharedServers.UniqueName("none");
        await using var store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = schema, CreateSchema = false }, TimeProvider.System);

        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await store.GetStatisticsAsync(default));

        Assert.Contains($"has no Tessera schema '{schema}'", error.Message, StringComparison.Ordinal);
        Assert.False(await ScalarAsync<bool>(connection, $"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{schema}')"));
    }

    private static async Task ExecuteAsync(string connection, string sql)
    {
        await using var sqlConnection = new NpgsqlConnection(connection);
        await sqlConnection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, sqlConnection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string connection, string sql)
    {
        await using var sqlConnection = new NpgsqlConnection(connection);
        await sqlConnection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, sqlConnection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task SaveAsync_ManyRacersOnOneVersion_ExactlyOneWins()
    {
        await using var store = await NewStoreAsync();
        var key = Key();
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 1), 0, default));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.SaveAsync(Record(key, 2, data: [(byte)i]), 1, default).AsTask()));

        Assert.Single(results, r => r == SaveResult.Saved);
        Assert.Equal(2, (await store.LoadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task SaveAsync_NewRecordRacers_ExactlyOneWins()
    {
        await using var store = await NewStoreAsync();
        var key = Key();

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.SaveAsync(Record(key, 1, data: [(byte)i]), 0, default).AsTask()));

        Assert.Single(results, r => r == SaveResult.Saved);
    }

    [Fact]
    public async Task SaveAsync_ExpiredRecordWithExpectedZero_Overwrites()
    {
        await using var store = await NewStoreAsync();
        var key = Key();
        await store.SaveAsync(Record(key, 7, expires: Start.AddMinutes(1)), 0, default);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await store.LoadAsync(key, default));
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(Record(key, 8, expires: Start.AddMinutes(30)), 7, default));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 1, expires: Start.AddMinutes(30)), 0, default));
        Assert.Equal(1, (await store.LoadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task LoadAsync_RoundTrip_KeepsEveryFieldExactly()
    {
        await using var store = await NewStoreAsync();
        var key = Key();
        var expires = Start.AddTicks(123_456_789); // sub-microsecond ticks survive
        var record = Record(key, 1, expires: expires, data: [1, 2, 3], tag: "user-tag", listing: [9, 8]);

        await store.SaveAsync(record, 0, default);
        var loaded = await store.LoadAsync(key, default);

        Assert.NotNull(loaded);
        Assert.Equal(expires, loaded.ExpiresAt);
        Assert.Equal([1, 2, 3], loaded.Data.ToArray());
        Assert.Equal("user-tag", loaded.UserTag);
        Assert.Equal([9, 8], loaded.Listing.ToArray());
    }

    [Fact]
    public async Task SweepAsync_MoreExpiredThanOneBatch_DeletesAllInBatches()
    {
        var connection = await SharedServers.PostgresAsync();
        await using var store = new PostgreSqlSessionStore(
            new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = SharedServers.UniqueName("sweep"), SweepBatchSize = 7 }, _clock);
        for (var i = 0; i < 30; i++)
        {
            await store.SaveAsync(Record(Key(), 1, expires: Start.AddMinutes(i < 25 ? 1 : 60)), 0, default);
        }

        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(25, await store.SweepAsync(default));
        Assert.Equal(new SessionStoreStatistics(5, 0), await store.GetStatisticsAsync(default));
    }

    [Fact]
    public async Task SweepAsync_ExpiriesInterleavedAndTiedAcrossBatches_DeletesEveryExpiredRecordOnly()
    {
        // Each batch resumes the expires_at index where the last ended: ties on a batch boundary and expiries saved
        // out of order must still all go, and nothing live.
        var connection = await SharedServers.PostgresAsync();
        await using var store = new PostgreSqlSessionStore(
            new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = SharedServers.UniqueName("sweep"), SweepBatchSize = 3 }, _clock);
        for (var i = 0; i < 46; i++)
        {
            var expires = i % 8 == 0 ? Start.AddHours(2) : Start.AddMinutes(1 + (i * 7 % 5));
            await store.SaveAsync(Record(Key(), 1, expires), 0, default);
        }

        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal(40, await store.SweepAsync(default));
        Assert.Equal(new SessionStoreStatistics(6, 0), await store.GetStatisticsAsync(default));
    }

    [Fact]
    public async Task LoadAsync_NothingListening_ThrowsSessionStoreExceptionNotNull()
    {
        var port = LoopbackPort.Free();
        await using var store = new PostgreSqlSessionStore(
            new PostgreSqlSessionStoreOptions { ConnectionString = $"Host=127.0.0.1;Port={port};Username=tessera;Password=tessera;Database=tessera", RetryDelay = TimeSpan.FromMilliseconds(1) },
            TimeProvider.System); // the retry waits on the store's clock: a real one, as the fake stands still

        var error = await Assert.ThrowsAsync<SessionStoreException>(() => store.LoadAsync(Key(), default).AsTask());

        Assert.Equal("postgresql", error.StoreName);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task SaveAsync_WrongPassword_ThrowsSessionStoreException()
    {
        var connection = new NpgsqlConnectionStringBuilder(await SharedServers.PostgresAsync()) { Password = "wrong" }.ConnectionString;
        await using var store = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = SharedServers.UniqueName("pw") }, _clock);

        await Assert.ThrowsAsync<SessionStoreException>(() => store.SaveAsync(Record(Key(), 1), 0, default).AsTask());
    }

    [Fact]
    public async Task LoadAsync_ServerStoppedThenRestarted_FailsThenReadsTheSameData()
    {
        using var server = await TestServer.StartPostgresAsync();
        await using var store = new PostgreSqlSessionStore(
            new PostgreSqlSessionStoreOptions { ConnectionString = server.ConnectionString, CommandTimeout = TimeSpan.FromSeconds(2), RetryDelay = TimeSpan.FromMilliseconds(10) },
            TimeProvider.System); // the retries wait on the store's clock: a real one (the record expires in 2030)
        var key = Key();
        await store.SaveAsync(Record(key, 1, data: [42]), 0, default);

        await server.StopAsync(keep: true);
        await Assert.ThrowsAsync<SessionStoreException>(() => store.LoadAsync(key, default).AsTask());
        await Assert.ThrowsAsync<SessionStoreException>(() => store.SaveAsync(Record(key, 2), 1, default).AsTask());
        await server.RestartAsync();

        var loaded = await store.LoadAsync(key, default);
        Assert.NotNull(loaded);
        Assert.Equal([42], loaded.Data.ToArray());
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 2), 1, default));
    }

    [Fact]
    public async Task ListByUserAsync_RowWithCorruptKey_IsSkippedNotThrown()
    {
        var connection = await SharedServers.PostgresAsync();
        var schema = SharedServers.UniqueName("bad");
        await using var store = Store(connection, schema);
        await store.SaveAsync(Record(Key(), 1, tag: "u"), 0, default);
        await store.SaveAsync(Record(Key(), 1, tag: "u"), 0, default);
        await using (var sql = new NpgsqlConnection(connection))
        {
            await sql.OpenAsync();
            await using var corrupt = new NpgsqlCommand($"UPDATE {schema}.sessions SET key = '\\x0102'::bytea WHERE key = (SELECT key FROM {schema}.sessions LIMIT 1)", sql);
            Assert.Equal(1, await corrupt.ExecuteNonQueryAsync());
        }

        Assert.Single(await store.ListByUserAsync("u", default));
    }

    [Fact]
    public void Constructor_BadSchemaName_ThrowsSayingWhatToChange()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = "Host=x", Schema = "a;drop" }, _clock));

        Assert.Contains("Schema", error.Message);
    }

    [Fact]
    public void Constructor_NoConnectionString_ThrowsSayingWhatToChange()
    {
        var error = Assert.Throws<ArgumentException>(() => new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions(), _clock));

        Assert.Contains("ConnectionString", error.Message);
    }

    private async Task<PostgreSqlSessionStore> NewStoreAsync() => Store(await SharedServers.PostgresAsync(), SharedServers.UniqueName("t"));

    private PostgreSqlSessionStore Store(string connection, string schema) =>
        new(new PostgreSqlSessionStoreOptions { ConnectionString = connection, Schema = schema }, _clock);

    private static SessionKey Key() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));

    private static SessionRecord Record(SessionKey key, long version, DateTimeOffset? expires = null, byte[]? data = null, string? tag = null, byte[]? listing = null) =>
        new(key, version, data ?? [1], expires ?? Start.AddMinutes(20), tag, listing ?? default(ReadOnlyMemory<byte>));
}
