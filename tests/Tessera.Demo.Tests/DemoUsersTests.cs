using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Time.Testing;

namespace Tessera.Demo.Tests;

/// <summary>The demo's user table on a real SQLite file, with a counting password hasher around ASP.NET Core's.</summary>
public sealed class DemoUsersTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("tessera-demo-users-").FullName;
    private readonly CountingHasher _hasher = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-02T03:04:05Z", System.Globalization.CultureInfo.InvariantCulture));

    private static readonly byte[] SeedKey = new byte[32];

    private string ConnectionString => $"Data Source={Path.Combine(_dir, "users.db")}";

    [Fact]
    public async Task Verify_UnknownUser_FalseAfterCheckingTheDummyHash()
    {
        using var users = Create();
        _hasher.Verified.Clear();

        Assert.False(await users.VerifyAsync("nobody", "alice-password", default));
        Assert.False(await users.VerifyAsync(null, null, default));

        // Both ran a real verification, against the hash kept for unknown names: the same work as a wrong password.
        Assert.Equal(2, _hasher.Verified.Count);
        Assert.All(_hasher.Verified, v => Assert.Equal(_hasher.Hashed[0], v));
        Assert.False(await users.VerifyAsync("alice", "wrong", default));
        Assert.Equal(3, _hasher.Verified.Count);
        Assert.NotEqual(_hasher.Hashed[0], _hasher.Verified[2]);
    }

    [Fact]
    public async Task Verify_ConfiguredPassword_TrueAndStoredAsPbkdf2Hash()
    {
        using var users = Create();
        Assert.True(await users.VerifyAsync("alice", "alice-password", default));
        Assert.False(await users.VerifyAsync("alice", "bob-password", default));
        Assert.False(await users.VerifyAsync("ALICE", "alice-password", default));
        Assert.All(_hasher.Hashed, h => Assert.Equal(0x01, Convert.FromBase64String(h)[0])); // Identity's V3 format
    }

    [Fact]
    public async Task ChangePassword_SeenByAnotherInstanceOnTheSameFile_AndSeedDoesNotUndoIt()
    {
        using var a = Create();
        using var b = Create();
        var stamp = await b.CheckValueAsync("alice", default);

        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await a.ChangePasswordAsync("alice", "wrong", "new", default));
        Assert.Null(await a.ChangePasswordAsync("alice", "alice-password", "", default));
        var newStamp = await a.ChangePasswordAsync("alice", "alice-password", "alice-new", default);

        Assert.NotNull(newStamp);
        Assert.NotEqual(stamp, newStamp);
        Assert.Equal(newStamp, await b.CheckValueAsync("alice", default));
        Assert.Equal(_time.GetUtcNow(), await b.PasswordChangedAsync("alice", default));
        Assert.True(await b.VerifyAsync("alice", "alice-new", default));

        // Restarting with the same Demo:Users keeps the changed password; a new name is added.
        using var c = new DemoUsers(SqliteFactory.Instance.CreateDataSource(ConnectionString), new Dictionary<string, string> { ["alice"] = "alice-password", ["carol"] = "carol-password" }, SeedKey, _time, _hasher);
        Assert.False(await c.VerifyAsync("alice", "alice-password", default));
        Assert.True(await c.VerifyAsync("alice", "alice-new", default));
        Assert.True(await c.VerifyAsync("carol", "carol-password", default));
        Assert.Null(await c.CheckValueAsync("nobody", default));
    }

    [Fact]
    public async Task Seed_TwoDatabasesFromTheSameConfiguration_AgreeOnTheFirstCheckValue()
    {
        using var a = Create();
        using var other = new DemoUsers(SqliteFactory.Instance.CreateDataSource($"Data Source={Path.Combine(_dir, "other.db")}"),
            new Dictionary<string, string> { ["alice"] = "alice-password" }, SeedKey, _time, _hasher);
        Assert.Equal(await a.CheckValueAsync("alice", default), await other.CheckValueAsync("alice", default));
        Assert.NotEqual(await a.CheckValueAsync("alice", default), await a.CheckValueAsync("bob", default));
    }

    [Fact]
    public async Task ChangePassword_TwoAtOnceWithTheSameOldPassword_OnlyOneWins()
    {
        using var a = Create();
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => a.ChangePasswordAsync("bob", "bob-password", $"bob-{i}", default))));
        var winner = Assert.Single(Enumerable.Range(0, 4), i => results[i] is not null);
        Assert.True(await a.VerifyAsync("bob", $"bob-{winner}", default));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private DemoUsers Create() =>
        new(SqliteFactory.Instance.CreateDataSource(ConnectionString), new Dictionary<string, string> { ["alice"] = "alice-password", ["bob"] = "bob-password" }, SeedKey, _time, _hasher);

    /// <summary>ASP.NET Core Identity's hasher, recording what it hashed and which hashes it verified against.</summary>
    private sealed class CountingHasher : IPasswordHasher<string>
    {
        private readonly PasswordHasher<string> _inner = new();

        public List<string> Hashed { get; } = [];

        public List<string> Verified { get; } = [];

        public string HashPassword(string user, string password)
        {
            var hash = _inner.HashPassword(user, password);
            lock (Hashed)
            {
                Hashed.Add(hash);
            }

            return hash;
        }

        public PasswordVerificationResult VerifyHashedPassword(string user, string hashedPassword, string providedPassword)
        {
            lock (Verified)
            {
                Verified.Add(hashedPassword);
            }

            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
