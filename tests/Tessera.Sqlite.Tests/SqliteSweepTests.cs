using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Tessera.Sessions;

namespace Tessera.Sqlite.Tests;

/// <summary>
/// The sweep on a real SQLite file: batches bounded by rows and by time (read from the store's per-batch debug log,
/// event 3004), exactly the expired records deleted across batch boundaries, and saves served between batches.
/// </summary>
public sealed class SqliteSweepTests : IDisposable
{
    private const int BatchEvent = 3004;
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _database.Dispose();

    private SqliteSessionStore Store(int batchSize, TimeSpan batchDuration) =>
        new(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString, SweepBatchSize = batchSize, SweepBatchDuration = batchDuration }, _clock, _log);

    private SessionRecord Record(DateTimeOffset expiresAt) =>
        new(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), 1, RandomNumberGenerator.GetBytes(64), expiresAt, "user");

    private async Task<List<SessionRecord>> SaveAsync(SqliteSessionStore store, int count, Func<int, DateTimeOffset> expiresAt)
    {
        var records = new List<SessionRecord>();
        for (var i = 0; i < count; i++)
        {
            var record = Record(expiresAt(i));
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, default));
            records.Add(record);
        }

        return records;
    }

    private int[] BatchRows() => [.. _log.Entries.Where(e => e.EventId == BatchEvent).Select(e => (int)e.Values["Rows"]!)];

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Each deleted row costs about a millisecond of CPU in this trigger, so a batch's time is known to exceed its bound.
    private void SlowDeletes() => Execute(
        "CREATE TRIGGER slow_delete AFTER DELETE ON tessera_sessions BEGIN "
        + "SELECT count(*) FROM (WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000) SELECT x FROM c); END;");

    [Fact]
    public async Task Sweep_FastBatches_StartAt25AndDoubleUpToBatchSize()
    {
        using var store = Store(100, TimeSpan.FromSeconds(10));
        var now = _clock.GetUtcNow();
        await SaveAsync(store, 1000, _ => now.AddMinutes(1));
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(1000, await store.SweepAsync(default));

        var rows = BatchRows();
        Assert.Equal([25, 50, 100, 100, 100, 100, 100, 100, 100, 100, 100, 25], rows);
    }

    [Fact]
    public async Task Sweep_BatchSlowerThanDuration_NextBatchHasFewerRows()
    {
        using var store = Store(100, TimeSpan.FromMilliseconds(1));
        var now = _clock.GetUtcNow();
        await SaveAsync(store, 60, _ => now.AddMinutes(1));
        SlowDeletes();
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Equal(60, await store.SweepAsync(default));

        var rows = BatchRows();
        Assert.Equal(25, rows[0]);
        // 25 rows took about 25 ms against a 1 ms bound: the next batches shrink to what fits (at least one row), and
        // the last, finding none left, ends the sweep.
        Assert.All(rows[1..^1], r => Assert.InRange(r, 1, 5));
        Assert.Equal(0, rows[^1]);
        Assert.Equal(60, rows.Sum());
    }

    [Fact]
    public async Task Sweep_TiesAndInterleavedExpiriesAcrossBatches_DeletesExactlyTheExpired()
    {
        using var store = Store(7, TimeSpan.FromSeconds(10));
        var now = _clock.GetUtcNow();
        var cut = now.AddMinutes(10);
        // 40 records tied at the cut (expired: "expires_at <= now"), 40 one millisecond after it (live), and 60 more
        // alternating a second before and after it: every 7-row batch boundary falls inside a tie or an alternation.
        var tied = await SaveAsync(store, 40, _ => cut);
        var justLive = await SaveAsync(store, 40, _ => cut.AddMilliseconds(1));
        var alternating = await SaveAsync(store, 60, i => i % 2 == 0 ? cut.AddSeconds(-1 - i) : cut.AddSeconds(1 + i));
        _clock.SetUtcNow(cut);

        var swept = await store.SweepAsync(default);

        var expired = tied.Concat(alternating.Where((_, i) => i % 2 == 0)).ToList();
        var live = justLive.Concat(alternating.Where((_, i) => i % 2 == 1)).ToList();
        Assert.Equal(expired.Count, swept);
        Assert.True(BatchRows().Length > 10);
        var statistics = await store.GetStatisticsAsync(default);
        Assert.Equal((live.Count, 0L), (statistics.Live, statistics.Expired));
        foreach (var record in live)
        {
            Assert.Equal(record.Data.ToArray(), (await store.LoadAsync(record.Key, default))!.Data.ToArray());
        }
    }

    [Fact]
    public async Task Save_DuringSlowSweep_CompletesBetweenBatches()
    {
        using var store = Store(100, TimeSpan.FromMilliseconds(1));
        var now = _clock.GetUtcNow();
        await SaveAsync(store, 300, _ => now.AddMinutes(1));
        SlowDeletes();
        _clock.Advance(TimeSpan.FromMinutes(2));

        var sweep = Task.Run(async () => await store.SweepAsync(default));
        while (BatchRows().Length == 0)
        {
            await Task.Delay(1);
        }

        // The sweep has 275 more slow rows to go, in batches of a few: the save is served between two of them.
        var record = Record(_clock.GetUtcNow().AddMinutes(20));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, default));
        Assert.False(sweep.IsCompleted);

        Assert.Equal(300, await sweep);
        Assert.NotNull(await store.LoadAsync(record.Key, default));
    }
}
