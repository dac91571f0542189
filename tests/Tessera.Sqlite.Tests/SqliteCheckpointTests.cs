using System.Security.Cryptography;
using Tessera.Sessions;

namespace Tessera.Sqlite.Tests;

/// <summary>
/// The store's own WAL checkpoints on a real SQLite file: SQLite's automatic checkpoint is off on its connections, and
/// the writer that makes one due runs it after leaving the write gate (event 3005), so the WAL stays bounded.
/// </summary>
public sealed class SqliteCheckpointTests : IDisposable
{
    private const int CheckpointEvent = 3005;
    private const long PageSize = 4096;
    private readonly SqliteTestDatabase _database = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _database.Dispose();

    [Fact]
    public async Task Save_ThousandsOfCommits_CheckpointedAlongTheWayAndTheWalStaysBounded()
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString }, logger: _log);
        const int Saves = 3000;
        for (var i = 0; i < Saves; i++)
        {
            var record = new SessionRecord(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), 1, RandomNumberGenerator.GetBytes(1024), DateTimeOffset.UtcNow.AddHours(1), "user" + (i % 300));
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, default));
        }

        var checkpoints = _log.Entries.Where(e => e.EventId == CheckpointEvent).ToList();
        // Each save writes its table and index pages (about three); without checkpoints the WAL would hold them all.
        Assert.True(checkpoints.Count >= 3, $"{checkpoints.Count} checkpoints after {Saves} saves.");
        Assert.All(checkpoints, c => Assert.InRange((int)c.Values["NextCommits"]!, 1, 10_000));
        // Every commit counted once: those after the last checkpoint are fewer than make the next one due.
        var counted = checkpoints.Sum(c => (int)c.Values["Commits"]!);
        Assert.InRange(Saves - counted, 0, (int)checkpoints[^1].Values["NextCommits"]! - 1);
        var wal = new FileInfo(_database.FilePath + "-wal").Length;
        Assert.True(wal <= 3 * 1000 * PageSize, $"The WAL grew to {wal / PageSize} pages.");
    }
}
