using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using StackExchange.Redis;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;

namespace Tessera.Benchmarks.Stores;

/// <summary>
/// One request's store work: load a session, save it back one version up (a 512-byte sealed record, signed in).
/// SQLite (the single-server default, a file on local disk) is the baseline the fleet stores are measured against.
/// One invocation per iteration, so the percentiles are those of single load+save cycles on loopback.
/// The raw round trips (<c>SELECT 1</c>, <c>PING</c>) show what the network and driver cost on their own.
/// </summary>
[MemoryDiagnoser]
[Outliers(Perfolizer.Mathematics.OutlierDetection.OutlierMode.DontRemove)]
[SimpleJob(RunStrategy.Throughput, launchCount: 1, warmupCount: 20, iterationCount: 1000, invocationCount: 1)]
[Config(typeof(Columns))]
public class StoreLoadSaveBenchmarks
{
    private BenchServers _servers = null!;
    private string _sqliteFile = null!;
    private SqliteSessionStore _sqlite = null!;
    private SessionKey _sqliteKey;
    private PostgreSqlSessionStore _postgres = null!;
    private RedisSessionStore _redis = null!;
    private NpgsqlDataSource _rawPostgres = null!;
    private ConnectionMultiplexer _rawRedis = null!;
    private SessionKey _pgKey;
    private SessionKey _redisKey;

    [GlobalSetup]
    public void Setup()
    {
        _servers = new BenchServers();
        _sqliteFile = Path.Combine(Path.GetTempPath(), $"tessera-bench-{Environment.ProcessId}.db");
        _sqlite = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={_sqliteFile}" }, TimeProvider.System);
        _sqliteKey = Seed(_sqlite);
        _postgres = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = _servers.Postgres, Schema = "bench_" + Environment.ProcessId }, TimeProvider.System, NullLogger<PostgreSqlSessionStore>.Instance);
        _redis = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = _servers.Redis, KeyPrefix = $"bench{Environment.ProcessId}:" }, TimeProvider.System);
        _rawPostgres = NpgsqlDataSource.Create(_servers.Postgres);
        _rawRedis = ConnectionMultiplexer.Connect(_servers.Redis);
        _pgKey = Seed(_postgres);
        _redisKey = Seed(_redis);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _postgres.Dispose();
        _redis.Dispose();
        _rawPostgres.Dispose();
        _rawRedis.Dispose();
        _servers.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_sqliteFile) + "*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark(Baseline = true, Description = "SQLite load+save (baseline)")]
    public Task<SaveResult> SqliteLoadSave() => LoadSaveAsync(_sqlite, _sqliteKey);

    [Benchmark(Description = "PostgreSQL SELECT 1 (raw round trip)")]
    public async Task<object?> PostgresRoundTrip()
    {
        await using var command = _rawPostgres.CreateCommand("SELECT 1");
        return await command.ExecuteScalarAsync();
    }

    [Benchmark(Description = "Redis PING (raw round trip)")]
    public Task<TimeSpan> RedisRoundTrip() => _rawRedis.GetDatabase().PingAsync();

    [Benchmark(Description = "PostgreSQL load+save")]
    public Task<SaveResult> PostgresLoadSave() => LoadSaveAsync(_postgres, _pgKey);

    [Benchmark(Description = "Redis load+save")]
    public Task<SaveResult> RedisLoadSave() => LoadSaveAsync(_redis, _redisKey);

    internal static SessionKey Seed(ISessionStore store)
    {
        var key = SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));
        var result = store.SaveAsync(Record(key, 1), 0, default).AsTask().GetAwaiter().GetResult();
        return result == SaveResult.Saved ? key : throw new InvalidOperationException("seeding the store failed");
    }

    internal static async Task<SaveResult> LoadSaveAsync(ISessionStore store, SessionKey key)
    {
        var current = await store.LoadAsync(key, default) ?? throw new InvalidOperationException("the session vanished");
        var result = await store.SaveAsync(Record(key, current.Version + 1), current.Version, default);
        return result == SaveResult.Saved ? result : throw new InvalidOperationException("unexpected conflict");
    }

    private static SessionRecord Record(SessionKey key, long version) =>
        new(key, version, Payload, DateTimeOffset.UtcNow.AddMinutes(20), "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", Listing);

    private static readonly byte[] Payload = RandomNumberGenerator.GetBytes(512);
    private static readonly byte[] Listing = RandomNumberGenerator.GetBytes(96);

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new SessionsPerSecondColumn(), new P99Column());
        }
    }
}
