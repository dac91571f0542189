using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Tessera.Sessions;
using Tessera.Testing;

namespace Tessera.Sqlite.Tests;

public sealed class SqliteSessionStoreTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new();

    public void Dispose() => _database.Dispose();

    private SqliteSessionStore Store(TimeSpan? busyTimeout = null) =>
        new(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, BusyTimeout = busyTimeout ?? TimeSpan.FromSeconds(5) }, _clock);

    private SessionRecord Record(SessionKey? key = null, long version = 1) =>
        new(key ?? SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), version, RandomNumberGenerator.GetBytes(64), _clock.GetUtcNow().AddMinutes(20));

    private object? Scalar(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    [Fact]
    public async Task Sweep_SavesDuringManyBatches_EverySaveLandsAndEveryExpiredRowGoes()
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, SweepBatchSize = 50 }, _clock);
        for (var i = 0; i < 2000; i++)
        {
            await store.SaveAsync(Record(), 0, default);
        }

        _clock.Advance(TimeSpan.FromHours(1));
        var sweep = Task.Run(async () => await store.SweepAsync(default));
        var saved = new List<SessionRecord>();
        // Writers queue between the sweep's batches: none fails with "database is locked" or waits out the whole sweep.
        while (!sweep.IsCompleted || saved.Count == 0)
        {
            var record = Record();
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, default));
            saved.Add(record);
        }

        Assert.Equal(2000, await sweep);
        Assert.Equal((long)saved.Count, Scalar("SELECT COUNT(*) FROM tessera_sessions;"));
    }

    [Fact]
    public async Task FirstUse_CreatesVersionedSchemaInWalMode()
    {
        await Store().LoadAsync(Record().Key, default);
        Assert.Equal("wal", Scalar("PRAGMA journal_mode;"));
        Assert.Equal(2L, Scalar("SELECT version FROM tessera_schema WHERE component = 'sessions';"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'tessera_settings';"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_tessera_sessions_user_tag';"));
        Assert.Equal(1L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'index' AND name = 'ix_tessera_sessions_expires_at';"));
    }

    [Fact]
    public async Task FirstUse_Version1Database_MigratesToVersion2KeepingRecords()
    {
        var record = Record();
        await Store().SaveAsync(record, 0, default);
        Scalar("DROP TABLE tessera_settings; UPDATE tessera_schema SET version = 1;");

        var store = Store();
        Assert.Null(await store.ReadKeyCheckAsync(default));
        Assert.True(await store.ReplaceKeyCheckAsync(null, [1, 2, 3], default));

        Assert.Equal(2L, Scalar("SELECT version FROM tessera_schema WHERE component = 'sessions';"));
        Assert.Equal(record.Data.ToArray(), (await store.LoadAsync(record.Key, default))!.Data.ToArray());
    }

    [Fact]
    public async Task CreateSchemaOff_Version1Database_ReadsWithoutMigrating()
    {
        var record = Record();
        await Store().SaveAsync(record, 0, default);
        Scalar("DROP TABLE tessera_settings; UPDATE tessera_schema SET version = 1;");
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, CreateSchema = false }, _clock);

        Assert.Equal(1, (await store.GetStatisticsAsync(default)).Live);
        Assert.Null(await store.ReadKeyCheckAsync(default));

        Assert.Equal(1L, Scalar("SELECT version FROM tessera_schema WHERE component = 'sessions';"));
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'tessera_settings';"));
    }

    [Fact]
    public async Task CreateSchemaOff_MissingOrForeignDatabase_ThrowsAndCreatesNothing()
    {
        var missing = Path.Combine(Path.GetDirectoryName(_database.FilePath)!, "typo.db");
        var absent = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={missing}", CreateSchema = false }, _clock);
        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await absent.GetStatisticsAsync(default));
        Assert.Contains($"the database '{missing}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(missing));

        Scalar("CREATE TABLE other (x INTEGER);");
        var foreign = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, CreateSchema = false }, _clock);
        error = await Assert.ThrowsAsync<SessionStoreException>(async () => await foreign.GetStatisticsAsync(default));
        Assert.Contains("holds no Tessera sessions", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, Scalar("SELECT COUNT(*) FROM sqlite_master WHERE name LIKE 'tessera%';"));
    }

    [Fact]
    public async Task SecondStore_OnExistingDatabase_ReadsRecordsOfTheFirst()
    {
        var record = Record();
        await Store().SaveAsync(record, 0, default);
        var loaded = await Store().LoadAsync(record.Key, default);
        Assert.Equal(record.Data.ToArray(), loaded!.Data.ToArray());
    }

    [Fact]
    public async Task FirstUse_NewerSchemaVersion_ThrowsSessionStoreExceptionSayingWhy()
    {
        await Store().LoadAsync(Record().Key, default);
        Scalar("UPDATE tessera_schema SET version = 99 WHERE component = 'sessions';");
        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await Store().LoadAsync(Record().Key, default));
        Assert.Equal("sqlite", error.StoreName);
        Assert.Contains("version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_DatabaseLockedBeyondBusyTimeout_ThrowsSessionStoreExceptionAndKeepsRecord()
    {
        var store = Store(TimeSpan.FromMilliseconds(200));
        var record = Record();
        await store.SaveAsync(record, 0, default);

        using (var holder = new SqliteConnection(_database.ConnectionString))
        {
            holder.Open();
            using var transaction = holder.BeginTransaction(deferred: false);
            using (var exclusive = holder.CreateCommand())
            {
                exclusive.Transaction = transaction;
                exclusive.CommandText = "UPDATE tessera_sessions SET version = version WHERE 0;";
                exclusive.ExecuteNonQuery();
            }

            var watch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await store.SaveAsync(Record(record.Key, 2), 1, default));
            Assert.Equal("sqlite", error.StoreName);
            var inner = Assert.IsType<SqliteException>(error.InnerException);
            Assert.Equal(5, inner.SqliteErrorCode); // SQLITE_BUSY
            Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(150), $"Gave up after {watch.Elapsed}, before the busy timeout.");
            transaction.Rollback();
        }

        var kept = await store.LoadAsync(record.Key, default);
        Assert.Equal(1, kept!.Version);
        Assert.Equal(record.Data.ToArray(), kept.Data.ToArray());
    }

    [Fact]
    public async Task Load_DatabasePathUnderRegularFile_ThrowsSessionStoreException()
    {
        var blocker = Path.Combine(_database.Directory, "file");
        await File.WriteAllTextAsync(blocker, "x");
        var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={Path.Combine(blocker, "s.db")}" }, _clock);
        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await store.LoadAsync(Record().Key, default));
        Assert.Equal("sqlite", error.StoreName);
        Assert.IsType<SqliteException>(error.InnerException);
    }

    [Fact]
    public async Task Save_ReadOnlyConnection_ThrowsSessionStoreExceptionAndKeepsRecord()
    {
        var record = Record();
        await Store().SaveAsync(record, 0, default);
        var readOnly = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = $"Data Source={_database.FilePath};Mode=ReadOnly" }, _clock);
        var error = await Assert.ThrowsAsync<SessionStoreException>(async () => await readOnly.SaveAsync(Record(record.Key, 2), 1, default));
        Assert.IsType<SqliteException>(error.InnerException);
        Assert.Equal(1, (await Store().LoadAsync(record.Key, default))!.Version);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(100_001)]
    public void Options_SweepBatchSizeOutOfRange_ThrowsSayingWhatToSet(int batchSize)
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = "Data Source=x.db", SweepBatchSize = batchSize }));
        Assert.Contains("SweepBatchSize must be between 1 and 100000", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(11_000)]
    public void Options_SweepBatchDurationOutOfRange_ThrowsSayingWhatToSet(int milliseconds)
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = "Data Source=x.db", SweepBatchDuration = TimeSpan.FromMilliseconds(milliseconds) }));
        Assert.Contains("SweepBatchDuration must be between 1 millisecond and 10 seconds", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_NegativeMemoryMapSize_ThrowsSayingWhatToSet()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = "Data Source=x.db", MemoryMapSize = -1 }));
        Assert.Contains("MemoryMapSize must be 0 (no memory map) or a positive number of bytes", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The sizes of this process's memory maps of the database file (SQLite maps the smaller of the file and mmap_size).</summary>
    private long[] MappedSizes() =>
        [.. File.ReadAllLines("/proc/self/maps")
            .Where(line => line.EndsWith(" " + _database.FilePath, StringComparison.Ordinal))
            .Select(line => line.Split(' ')[0].Split('-'))
            .Select(range => Convert.ToInt64(range[1], 16) - Convert.ToInt64(range[0], 16))];

    [Theory]
    [InlineData(65_536L, 65_536L)]
    [InlineData(0L, 0L)]
    public async Task Load_MemoryMapSize_MapsAtMostThatMuchOfTheFile(long mapSize, long expectedLargest)
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, MemoryMapSize = mapSize }, _clock);
        var records = Enumerable.Range(0, 1000).Select(_ => Record()).ToList();
        foreach (var record in records)
        {
            await store.SaveAsync(record, 0, default);
        }

        Scalar("PRAGMA wal_checkpoint(TRUNCATE);"); // the records now in the database file, which the next read maps
        Assert.NotNull(await store.LoadAsync(records[^1].Key, default));

        Assert.True(new FileInfo(_database.FilePath).Length > 65_536);
        Assert.Equal(expectedLargest, MappedSizes().DefaultIfEmpty(0).Max());
    }

    [Fact]
    public void MaxMemoryMapSize_IsTheBundledSqlitesCap()
    {
        // SQLite lowers a larger mmap_size to its compile-time maximum and reports the effective value: when a package
        // update moves that cap, the documented default must move with it.
        Assert.Equal(SqliteSessionStoreOptions.MaxMemoryMapSize, Scalar("PRAGMA mmap_size = 1099511627776; PRAGMA mmap_size;"));
    }

    [Fact]
    public async Task Load_DefaultMemoryMapSize_MapsTheWholeFile()
    {
        using var store = Store();
        var records = Enumerable.Range(0, 1000).Select(_ => Record()).ToList();
        foreach (var record in records)
        {
            await store.SaveAsync(record, 0, default);
        }

        Scalar("PRAGMA wal_checkpoint(TRUNCATE);"); // the records now in the database file, which the next read maps
        Assert.NotNull(await store.LoadAsync(records[^1].Key, default));

        Assert.Equal(SqliteSessionStoreOptions.MaxMemoryMapSize, new SqliteSessionStoreOptions().MemoryMapSize);
        Assert.Equal(new FileInfo(_database.FilePath).Length, MappedSizes().Max());
    }

    [Fact]
    public void Options_MissingConnectionString_ThrowsSayingWhatToSet()
    {
        var error = Assert.Throws<ArgumentException>(() => new SqliteSessionStore(new SqliteSessionStoreOptions()));
        Assert.Contains("ConnectionString must be set", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Save_ConflictDetectedByDatabase_AcrossTwoStoreInstances()
    {
        var a = Store();
        var b = Store();
        var record = Record();
        await a.SaveAsync(record, 0, default);
        Assert.Equal(SaveResult.Saved, await a.SaveAsync(Record(record.Key, 2), 1, default));
        Assert.Equal(SaveResult.Conflict, await b.SaveAsync(Record(record.Key, 2), 1, default));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposed()
    {
        var store = Store();
        await store.SaveAsync(Record(), 0, default);
        store.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await store.LoadAsync(Record().Key, default));
    }
}
