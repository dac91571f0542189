using System.Security.Cryptography;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Tessera.Sessions;

namespace Tessera.Sqlite.Tests;

/// <summary>
/// A row damaged in the file (or edited by hand) reads as a missing session with a warning saying why (event 3003):
/// the other records, listing, statistics and the sweep go on. Before, an expiry past DateTimeOffset.MaxValue threw
/// ArgumentOutOfRangeException and a value of the wrong type InvalidCastException, out of every call that read the row.
/// </summary>
public sealed class SqliteUnreadableRowTests : IDisposable
{
    private readonly SqliteTestDatabase _database = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly ListLogger _log = new();

    public void Dispose() => _database.Dispose();

    private SessionRecord Record() =>
        new(SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16)), 1, RandomNumberGenerator.GetBytes(64), _clock.GetUtcNow().AddMinutes(20), "alice", new byte[] { 1, 2 });

    private void Damage(SessionKey key, string set)
    {
        using var connection = new SqliteConnection(_database.ConnectionString);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"UPDATE tessera_sessions SET {set} WHERE key = $key";
        command.Parameters.AddWithValue("$key", key.Bytes.ToArray());
        Assert.Equal(1, command.ExecuteNonQuery());
    }

    [Theory]
    [InlineData("expires_at = 9223372036854775807", "the expiry 9223372036854775807 ms since 1970 is outside the dates a DateTimeOffset holds")]
    [InlineData("expires_at = 253402300800000", "the expiry 253402300800000 ms since 1970 is outside the dates")]
    [InlineData("expires_at = 'soon'", "the expiry is not an integer")]
    [InlineData("version = 'two'", "the version is not an integer")]
    [InlineData("data = 'text'", "the data is not a blob")]
    [InlineData("user_tag = x'00'", "the user tag is not text")]
    [InlineData("listing = 7", "the listing is not a blob")]
    public async Task Load_DamagedRow_ReadsAsMissingWithWarningOthersIntact(string set, string reason)
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString }, _clock, _log);
        var damaged = Record();
        var intact = Record();
        await store.SaveAsync(damaged, 0, default);
        await store.SaveAsync(intact, 0, default);
        Damage(damaged.Key, set);

        Assert.Null(await store.LoadAsync(damaged.Key, default));

        var warning = Assert.Single(_log.Entries, e => e.EventId == 3003);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Equal(damaged.Key.Fingerprint, warning.Values["Fingerprint"]);
        Assert.StartsWith(reason, (string)warning.Values["Reason"]!, StringComparison.Ordinal);
        Assert.Equal(intact.Data.ToArray(), (await store.LoadAsync(intact.Key, default))!.Data.ToArray());
        Assert.Equal([intact.Key], (await store.ListByUserAsync("alice", default)).Select(r => r.Key));
    }

    [Fact]
    public async Task StatisticsAndSweep_ExpiryPastLastDate_CountItAndSweepTheRest()
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString }, _clock, _log);
        var damaged = Record();
        var expiring = Record();
        await store.SaveAsync(damaged, 0, default);
        await store.SaveAsync(expiring, 0, default);
        Damage(damaged.Key, "expires_at = 9223372036854775807");
        _clock.Advance(TimeSpan.FromHours(1));

        // Statistics and the sweep compare the stored numbers in SQL: the damaged row counts as live and stays.
        var before = await store.GetStatisticsAsync(default);
        var swept = await store.SweepAsync(default);
        var after = await store.GetStatisticsAsync(default);

        Assert.Equal((1L, 1L), (before.Live, before.Expired));
        Assert.Equal(1, swept);
        Assert.Equal((1L, 0L), (after.Live, after.Expired));
        // Revoking the user removes it like any of the user's sessions.
        Assert.Equal(1, await store.DeleteByUserAsync("alice", null, default));
        Assert.Equal((0L, 0L), ((await store.GetStatisticsAsync(default)).Live, (await store.GetStatisticsAsync(default)).Expired));
    }

    [Fact]
    public async Task ListByUser_KeyNot32Bytes_SkipsRowWithWarning()
    {
        using var store = new SqliteSessionStore(new SqliteSessionStoreOptions { ConnectionString = _database.ConnectionString }, _clock, _log);
        var damaged = Record();
        var intact = Record();
        await store.SaveAsync(damaged, 0, default);
        await store.SaveAsync(intact, 0, default);
        Damage(damaged.Key, "key = x'0102'");

        var listed = await store.ListByUserAsync("alice", default);

        Assert.Equal([intact.Key], listed.Select(r => r.Key));
        var warning = Assert.Single(_log.Entries, e => e.EventId == 3003);
        Assert.Equal("0102", warning.Values["Fingerprint"]);
        Assert.Equal("the key is not 32 bytes", warning.Values["Reason"]);
    }
}
