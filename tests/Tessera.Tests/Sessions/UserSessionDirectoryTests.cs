using System.Security.Cryptography;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.Tests.Sessions;

public sealed class UserSessionDirectoryTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly MemorySessionStore _store;
    private readonly Keyring _keyring = new([RandomNumberGenerator.GetBytes(32)]);

    public UserSessionDirectoryTests()
    {
        _store = new MemorySessionStore(_clock);
    }

    private async Task<ServerSession> SignInAsync(SessionManager manager, string userId, SessionClientInfo? client = null)
    {
        var session = await manager.LoadAsync(null, client ?? SessionClientInfo.None);
        await manager.SignInAsync(session, userId, "c");
        _clock.Advance(TimeSpan.FromSeconds(1));
        return session;
    }

    [Fact]
    public void Constructor_StoreWithoutIndex_ThrowsNamingStoreAndWhatToUse()
    {
        var error = Assert.Throws<ArgumentException>(() => new UserSessionDirectory(new IndexlessStore(), _keyring));
        Assert.Contains("'indexless' has no user index", error.Message, StringComparison.Ordinal);
        Assert.Contains("SQLite", error.Message, StringComparison.Ordinal);
        Assert.Equal("store", error.ParamName);
    }

    [Fact]
    public async Task ComputeUserTag_IsKeyedHashNotUserId()
    {
        var manager = new SessionManager(_store, new SessionManagerOptions(), _keyring, _clock);
        await SignInAsync(manager, "alice@example.org");
        var record = Assert.Single(_store.GetRecords());
        Assert.Equal(new UserSessionDirectory(_store, _keyring).ComputeUserTag("alice@example.org"), record.UserTag);
        Assert.DoesNotContain("alice", record.UserTag!, StringComparison.Ordinal);
        var otherServer = new UserSessionDirectory(_store, new Keyring([RandomNumberGenerator.GetBytes(32)]));
        Assert.NotEqual(record.UserTag, otherServer.ComputeUserTag("alice@example.org"));
    }

    [Fact]
    public async Task List_SeveralSessions_NewestFirstWithCurrentMarkedAndClientShown()
    {
        var manager = new SessionManager(_store, new SessionManagerOptions(), _keyring, _clock);
        var first = await SignInAsync(manager, "alice", new SessionClientInfo("192.0.2.1", "one"));
        var second = await SignInAsync(manager, "alice", new SessionClientInfo("192.0.2.2", "two"));
        await SignInAsync(manager, "bob");

        var list = await new UserSessionDirectory(_store, _keyring, _clock).ListAsync("alice", first);

        Assert.Equal([second.Fingerprint, first.Fingerprint], list.Select(s => s.Fingerprint));
        Assert.Equal([false, true], list.Select(s => s.IsCurrent));
        Assert.Equal(("192.0.2.2", "two"), (list[0].ClientIp, list[0].UserAgent));
        Assert.Equal(second.CreatedAt, list[0].CreatedAt);
    }

    [Fact]
    public async Task List_ExpiredSession_IsLeftOut()
    {
        var manager = new SessionManager(_store, new SessionManagerOptions(), _keyring, _clock);
        await SignInAsync(manager, "alice");
        var directory = new UserSessionDirectory(new ExpiryIgnoringIndex(_store), _keyring, _clock);
        Assert.Single(await directory.ListAsync("alice"));

        _clock.Advance(new SessionManagerOptions().IdleTimeout);

        Assert.Empty(await directory.ListAsync("alice"));
    }

    [Fact]
    public async Task Revoke_OneFingerprint_DeletesOnlyThatSessionOnce()
    {
        var manager = new SessionManager(_store, new SessionManagerOptions(), _keyring, _clock);
        var keep = await SignInAsync(manager, "alice");
        var drop = await SignInAsync(manager, "alice");
        var directory = new UserSessionDirectory(_store, _keyring, _clock);

        Assert.True(await directory.RevokeAsync("alice", drop.Fingerprint.ToUpperInvariant()));
        Assert.False(await directory.RevokeAsync("alice", drop.Fingerprint));
        Assert.False(await directory.RevokeAsync("bob", keep.Fingerprint));
        Assert.Equal(keep.Fingerprint, Assert.Single(await directory.ListAsync("alice")).Fingerprint);
    }

    [Fact]
    public async Task RevokeAll_ExceptCurrent_KeepsOnlyTheCurrentSession()
    {
        var manager = new SessionManager(_store, new SessionManagerOptions(), _keyring, _clock);
        var current = await SignInAsync(manager, "alice");
        await SignInAsync(manager, "alice");
        await SignInAsync(manager, "alice");
        var directory = new UserSessionDirectory(_store, _keyring, _clock);

        Assert.Equal(2, await directory.RevokeAllAsync("alice", current));
        Assert.Equal(current.Fingerprint, Assert.Single(await directory.ListAsync("alice")).Fingerprint);
        Assert.Equal(1, await directory.RevokeAllAsync("alice"));
        Assert.Empty(await directory.ListAsync("alice"));
    }

    [Fact]
    public async Task List_AfterKeyRotation_StillFindsOldSessions()
    {
        var oldSecret = RandomNumberGenerator.GetBytes(32);
        var before = new SessionManager(_store, new SessionManagerOptions(), new Keyring([oldSecret]), _clock);
        await SignInAsync(before, "alice", new SessionClientInfo("192.0.2.5", "ua"));
        var after = new UserSessionDirectory(_store, new Keyring([RandomNumberGenerator.GetBytes(32), oldSecret]), _clock);
        var info = Assert.Single(await after.ListAsync("alice"));
        Assert.Equal("192.0.2.5", info.ClientIp);
        Assert.Equal(1, await after.RevokeAllAsync("alice"));
    }

    [Fact]
    public async Task ListAndRevoke_DuringKeyRotation_OneIndexCallForAllSecrets()
    {
        var oldSecret = RandomNumberGenerator.GetBytes(32);
        var store = new CountingIndexStore(_store);
        var rotated = new Keyring([RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32), oldSecret]);
        await SignInAsync(new SessionManager(store, new SessionManagerOptions(), new Keyring([oldSecret]), _clock), "alice");
        await SignInAsync(new SessionManager(store, new SessionManagerOptions(), rotated, _clock), "alice");
        var after = new UserSessionDirectory(store, rotated, _clock);

        Assert.Equal(2, (await after.ListAsync("alice")).Count);
        Assert.False(await after.RevokeAsync("alice", "0000000000000000"));
        Assert.Equal(2, await after.RevokeAllAsync("alice"));
        // One store call per operation, each carrying the user's tag under all three secrets.
        Assert.Equal([("list", 3), ("list", 3), ("delete", 3)], store.Calls);
    }

    private sealed class IndexlessStore : ISessionStore
    {
        public string Name => "indexless";

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.FromResult<SessionRecord?>(null);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => ValueTask.FromResult(SaveResult.Saved);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    // Lists every tagged record, expired or not, as a store whose sweep has not run yet may: the directory must drop them.
    private sealed class ExpiryIgnoringIndex(MemorySessionStore inner) : ISessionStore, IUserSessionIndex
    {
        public string Name => "lax";

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => inner.LoadAsync(key, cancellationToken);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) => inner.SaveAsync(record, expectedVersion, cancellationToken);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);

        public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken) =>
            ValueTask.FromResult<IReadOnlyList<SessionRecord>>([.. inner.GetRecords().Where(r => r.UserTag == userTag)]);

        public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken) => inner.DeleteByUserAsync(userTag, except, cancellationToken);
    }
}
