using System.Security.Cryptography;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using Tessera.PostgreSql;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.Sqlite;

namespace Tessera.Benchmarks.Stores;

/// <summary>
/// What a busy server asks of its store: 16 requests at once, each loading and saving its own session, 8 times
/// over (128 load+save cycles per invocation; times are per cycle, Sessions/s is the aggregate). Network stores
/// overlap their round trips here; SQLite serializes its writers.
/// </summary>
[MemoryDiagnoser]
[SimpleJob(warmupCount: 3, iterationCount: 15)]
[Config(typeof(Columns))]
public class StoreConcurrentLoadSaveBenchmarks
{
    private const int Callers = 16;
    private const int CyclesPerCaller = 8;
    private const int Cycles = Callers * CyclesPerCaller;

    private BenchServers _servers = null!;
    private string _sqliteFile = null!;
    private SqliteSessionStore _sqlite = null!;
    private PostgreSqlSessionStore _postgres = null!;
    private RedisSessionStore _redis = null!;
    private SessionKey[] _sqliteKeys = null!;
    private SessionKey[] _pgKeys = null!;
    private SessionKey[] _redisKeys = null!;

    [GlobalSetup]
    public void Setup()
    {
        _servers = new BenchServers();
        _sqliteFile = Path.Combine(Path.GetTempPath(), $"tessera-bench-c-{Environment.ProcessId}.db");
        _sqlite = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={_sqliteFile}" }, TimeProvider.System);
        _postgres = new PostgreSqlSessionStore(new PostgreSqlSessionStoreOptions { ConnectionString = _servers.Postgres, Schema = "benchc_" + Environment.ProcessId }, TimeProvider.System);
        _redis = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = _servers.Redis, KeyPrefix = $"benchc{Environment.ProcessId}:" }, TimeProvider.System);
        _sqliteKeys = [.. Enumerable.Range(0, Callers).Select(_ => StoreLoadSaveBenchmarks.Seed(_sqlite))];
        _pgKeys = [.. Enumerable.Range(0, Callers).Select(_ => StoreLoadSaveBenchmarks.Seed(_postgres))];
        _redisKeys = [.. Enumerable.Range(0, Callers).Select(_ => StoreLoadSaveBenchmarks.Seed(_redis))];
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _postgres.Dispose();
        _redis.Dispose();
        _servers.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(_sqliteFile) + "*"))
        {
            File.Delete(file);
        }
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Cycles, Description = "SQLite, 16 callers (baseline)")]
    public Task Sqlite() => RunAsync(_sqlite, _sqliteKeys);

    [Benchmark(OperationsPerInvoke = Cycles, Description = "PostgreSQL, 16 callers")]
    public Task PostgreSql() => RunAsync(_postgres, _pgKeys);

    [Benchmark(OperationsPerInvoke = Cycles, Description = "Redis, 16 callers")]
    public Task Redis() => RunAsync(_redis, _redisKeys);

    private static Task RunAsync(ISessionStore store, SessionKey[] keys) =>
        Task.WhenAll(keys.Select(key => Task.Run(async () =>
        {
            for (var i = 0; i < CyclesPerCaller; i++)
            {
                await StoreLoadSaveBenchmarks.LoadSaveAsync(store, key);
            }
        })));

    private sealed class Columns : ManualConfig
    {
        public Columns()
        {
            AddColumn(new SessionsPerSecondColumn());
        }
    }
}
