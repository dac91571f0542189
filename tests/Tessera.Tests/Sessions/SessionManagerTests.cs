using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Tests.Sessions;

public sealed class SessionManagerTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly MemorySessionStore _store;
    private readonly Keyring _keyring = new([RandomNumberGenerator.GetBytes(32)]);

    public SessionManagerTests()
    {
        _store = new MemorySessionStore(_clock);
    }

    private SessionManager Manager(Action<SessionManagerOptions>? configure = null, ISessionStore? store = null)
    {
        var options = new SessionManagerOptions();
        configure?.Invoke(options);
        return new SessionManager(store ?? _store, options, _keyring, _clock);
    }

    private static async Task<string> SaveNewAsync(SessionManager manager, SessionClientInfo? client = null)
    {
        var session = await manager.LoadAsync(null, client ?? SessionClientInfo.None);
        session["a"] = 1;
        return (await manager.CommitAsync(session)).CookieValue!;
    }

    [Fact]
    public async Task Load_NoCookie_ReturnsNewSessionThatIsNotWrittenUntilUsed()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.NoCookie, session.Verdict);
        Assert.True(session.IsNew);
        Assert.False(session.IsModified);
        Assert.Equal(SessionCommitResult.Unchanged, await manager.CommitAsync(session));
        Assert.Equal(0, _store.Count);
    }

    [Theory]
    [InlineData("x")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+/")]
    [InlineData("AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public async Task Load_MalformedCookie_ReturnsMalformedAndAsksToClearCookie(string cookie)
    {
        var manager = Manager();
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.Malformed, session.Verdict);
        Assert.True(session.IsNew);
        var commit = await manager.CommitAsync(session);
        Assert.True(commit.ClearCookie);
        Assert.Null(commit.CookieValue);
    }

    [Fact]
    public async Task Load_WellFormedUnknownHandle_ReturnsNotFound()
    {
        var session = await Manager().LoadAsync(SessionHandle.Create().ToCookieValue(), SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.NotFound, session.Verdict);
    }

    [Fact]
    public async Task Load_RightIdWrongDataKey_ReturnsUndecryptable()
    {
        var manager = Manager();
        var cookie = await SaveNewAsync(manager);
        var raw = Convert.FromBase64String(cookie.Replace('-', '+').Replace('_', '/') + "==");
        raw[^1] ^= 1;
        var forged = Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var session = await manager.LoadAsync(forged, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.Undecryptable, session.Verdict);
        Assert.Equal(0, session.Count);
    }

    [Fact]
    public async Task Load_TamperedStoredData_ReturnsUndecryptable()
    {
        var manager = Manager();
        var cookie = await SaveNewAsync(manager);
        Assert.True(SessionHandle.TryParse(cookie, out var handle));
        var record = await _store.LoadAsync(handle!.Key, default);
        var data = record!.Data.ToArray();
        data[^1] ^= 0x80;
        await _store.SaveAsync(record with { Version = 2, Data = data }, 1, default);
        Assert.Equal(SessionLoadVerdict.Undecryptable, (await manager.LoadAsync(cookie, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Load_RecordMovedUnderAnotherKey_ReturnsUndecryptable()
    {
        // Associated data binds the sealed data to its key: copying a record to another key does not open it.
        var manager = Manager();
        var cookie = await SaveNewAsync(manager);
        Assert.True(SessionHandle.TryParse(cookie, out var handle));
        var record = await _store.LoadAsync(handle!.Key, default);
        var other = SessionHandle.Create();
        await _store.SaveAsync(record! with { Key = other.Key }, 0, default);
        var raw = Convert.FromBase64String(cookie.Replace('-', '+').Replace('_', '/') + "==");
        other.LookupId.CopyTo(raw.AsSpan(1));
        var moved = Convert.ToBase64String(raw).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal(SessionLoadVerdict.Undecryptable, (await manager.LoadAsync(moved, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Load_AbsoluteLifetimePassedWhileActive_ReturnsExpired()
    {
        var manager = Manager(o =>
        {
            o.IdleTimeout = TimeSpan.FromMinutes(10);
            o.AbsoluteLifetime = TimeSpan.FromMinutes(25);
        });
        var cookie = await SaveNewAsync(manager);
        for (var i = 0; i < 2; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(9));
            var s = await manager.LoadAsync(cookie, SessionClientInfo.None);
            Assert.Equal(SessionLoadVerdict.Loaded, s.Verdict);
            await manager.CommitAsync(s);
        }

        _clock.Advance(TimeSpan.FromMinutes(8));
        var expired = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.True(expired.Verdict is SessionLoadVerdict.Expired or SessionLoadVerdict.NotFound, expired.Verdict.ToString());
    }

    [Fact]
    public async Task Load_StoreIgnoresExpiry_ManagerStillReturnsExpired()
    {
        // A store that forgets ExpiresAt must not keep a session alive: the sealed times decide.
        var lax = new ExpiryIgnoringStore(_store);
        var manager = Manager(store: lax);
        var cookie = await SaveNewAsync(manager);
        _clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal(SessionLoadVerdict.Expired, (await manager.LoadAsync(cookie, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Lifetime_ShorterForPrivilegedSession_ExpiresEarlier()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["admin"] = true;
        session.IdleTimeout = TimeSpan.FromMinutes(5);
        session.Lifetime = TimeSpan.FromMinutes(30);
        var commit = await manager.CommitAsync(session);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(5), commit.ExpiresAt);
        _clock.Advance(TimeSpan.FromMinutes(6));
        Assert.NotEqual(SessionLoadVerdict.Loaded, (await manager.LoadAsync(commit.CookieValue, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Lifetime_NonPositive_Throws()
    {
        var session = await Manager().LoadAsync(null, SessionClientInfo.None);
        Assert.Throws<ArgumentOutOfRangeException>(() => session.Lifetime = TimeSpan.Zero);
    }

    [Fact]
    public async Task Commit_ReadWithinTouchInterval_DoesNotWrite()
    {
        var manager = Manager(o => o.TouchInterval = TimeSpan.FromMinutes(1));
        var cookie = await SaveNewAsync(manager);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(SessionCommitResult.Unchanged, await manager.CommitAsync(session));
        Assert.True(SessionHandle.TryParse(cookie, out var handle));
        Assert.Equal(1, (await _store.LoadAsync(handle!.Key, default))!.Version);
    }

    [Fact]
    public async Task Commit_ReadAfterTouchInterval_ExtendsIdleExpiry()
    {
        var manager = Manager(o => o.TouchInterval = TimeSpan.FromMinutes(1));
        var cookie = await SaveNewAsync(manager);
        _clock.Advance(TimeSpan.FromMinutes(15));
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        var commit = await manager.CommitAsync(session);
        Assert.Equal(_clock.GetUtcNow() + TimeSpan.FromMinutes(20), commit.ExpiresAt);
        _clock.Advance(TimeSpan.FromMinutes(15));
        Assert.Equal(SessionLoadVerdict.Loaded, (await manager.LoadAsync(cookie, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Load_BoundToIpFromOtherIp_ReturnsIpMismatchAndKeepsRecord()
    {
        var manager = Manager(o => o.BindToClientIp = true);
        var cookie = await SaveNewAsync(manager, new SessionClientInfo("192.0.2.1"));
        var other = await manager.LoadAsync(cookie, new SessionClientInfo("192.0.2.99"));
        Assert.Equal(SessionLoadVerdict.IpMismatch, other.Verdict);
        Assert.Equal(0, other.Count);
        Assert.Equal(SessionLoadVerdict.Loaded, (await manager.LoadAsync(cookie, new SessionClientInfo("192.0.2.1"))).Verdict);
    }

    [Fact]
    public async Task Load_IpBindingOff_AcceptsOtherIp()
    {
        var manager = Manager();
        var cookie = await SaveNewAsync(manager, new SessionClientInfo("192.0.2.1"));
        Assert.Equal(SessionLoadVerdict.Loaded, (await manager.LoadAsync(cookie, new SessionClientInfo("192.0.2.99"))).Verdict);
    }

    [Fact]
    public async Task SignIn_RotatesHandleAndOldCookieIsWorthless()
    {
        var manager = Manager();
        var preLogin = await SaveNewAsync(manager);
        var session = await manager.LoadAsync(preLogin, SessionClientInfo.None);
        await manager.SignInAsync(session, "alice", "pw-stamp-1", new JsonObject { ["role"] = "admin" });
        var commit = await manager.CommitAsync(session);
        Assert.NotNull(commit.CookieValue);
        Assert.NotEqual(preLogin, commit.CookieValue);
        Assert.Equal(SessionLoadVerdict.NotFound, (await manager.LoadAsync(preLogin, SessionClientInfo.None)).Verdict);
        var loaded = await manager.LoadAsync(commit.CookieValue, SessionClientInfo.None);
        Assert.Equal("alice", loaded.UserId);
        Assert.Equal(1, loaded["a"]!.GetValue<int>());
        Assert.Equal("admin", loaded.UserExtras!["role"]!.GetValue<string>());
    }

    [Fact]
    public async Task SignOut_DeletesRecordAndClearsCookie()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        await manager.SignInAsync(session, "alice", "c");
        var cookie = (await manager.CommitAsync(session)).CookieValue;
        var again = await manager.LoadAsync(cookie, SessionClientInfo.None);
        await manager.SignOutAsync(again);
        Assert.False(again.IsAuthenticated);
        var commit = await manager.CommitAsync(again);
        Assert.True(commit.ClearCookie);
        Assert.Null(commit.CookieValue);
        Assert.Equal(SessionLoadVerdict.NotFound, (await manager.LoadAsync(cookie, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Check_SameCheckValue_ReturnsTrue()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        await manager.SignInAsync(session, "alice", "stamp-1");
        Assert.True(await manager.CheckAsync(session, "stamp-1"));
        Assert.True(session.IsAuthenticated);
    }

    [Fact]
    public async Task Check_ChangedCheckValue_ResetsSessionAndReturnsFalse()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["cart"] = "full";
        await manager.SignInAsync(session, "alice", "stamp-1");
        var cookie = (await manager.CommitAsync(session)).CookieValue;
        var loaded = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.False(await manager.CheckAsync(loaded, "stamp-2"));
        Assert.False(loaded.IsAuthenticated);
        Assert.Equal(0, loaded.Count);
        Assert.True((await manager.CommitAsync(loaded)).ClearCookie);
        Assert.Equal(SessionLoadVerdict.NotFound, (await manager.LoadAsync(cookie, SessionClientInfo.None)).Verdict);
    }

    [Fact]
    public async Task Check_AnonymousSession_ReturnsFalse()
    {
        var session = await Manager().LoadAsync(null, SessionClientInfo.None);
        Assert.False(await Manager().CheckAsync(session, "x"));
    }

    [Fact]
    public async Task KeepLogin_AfterPasswordChange_ThisSessionStaysOthersFail()
    {
        var manager = Manager();
        var here = await manager.LoadAsync(null, SessionClientInfo.None);
        await manager.SignInAsync(here, "alice", "stamp-1");
        var hereCookie = (await manager.CommitAsync(here)).CookieValue;
        var there = await manager.LoadAsync(null, SessionClientInfo.None);
        await manager.SignInAsync(there, "alice", "stamp-1");
        var thereCookie = (await manager.CommitAsync(there)).CookieValue;

        var changing = await manager.LoadAsync(hereCookie, SessionClientInfo.None);
        await manager.KeepLoginAsync(changing, "stamp-2");
        var newHereCookie = (await manager.CommitAsync(changing)).CookieValue;

        Assert.True(await manager.CheckAsync(await manager.LoadAsync(newHereCookie, SessionClientInfo.None), "stamp-2"));
        Assert.False(await manager.CheckAsync(await manager.LoadAsync(thereCookie, SessionClientInfo.None), "stamp-2"));
    }

    [Fact]
    public async Task KeepLogin_Anonymous_Throws()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await manager.KeepLoginAsync(session, "x"));
    }

    [Fact]
    public async Task Commit_NestedMutationWithIsModified_MergesThatKey()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["list"] = new JsonArray(1);
        session["other"] = "x";
        var cookie = (await manager.CommitAsync(session)).CookieValue;
        var first = await manager.LoadAsync(cookie, SessionClientInfo.None);
        var second = await manager.LoadAsync(cookie, SessionClientInfo.None);
        first["other"] = "changed by first";
        await manager.CommitAsync(first);
        second["list"]!.AsArray().Add(2);
        second.IsModified = true;
        await manager.CommitAsync(second);
        var final = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(2, final["list"]!.AsArray().Count);
        Assert.Equal("changed by first", final["other"]!.GetValue<string>());
    }

    [Fact]
    public async Task Commit_ClearRacingWithSet_ClearAppliedThenOwnSets()
    {
        var manager = Manager();
        var cookie = await SaveNewAsync(manager);
        var first = await manager.LoadAsync(cookie, SessionClientInfo.None);
        var second = await manager.LoadAsync(cookie, SessionClientInfo.None);
        first["b"] = 2;
        await manager.CommitAsync(first);
        second.Clear();
        second["c"] = 3;
        await manager.CommitAsync(second);
        var final = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(["c"], final.Keys.ToArray());
    }

    [Fact]
    public async Task Commit_AlwaysConflicting_BacksOffOnInjectedClockThenThrowsAfterMaxAttempts()
    {
        var store = new AlwaysConflictingStore(_store);
        var manager = Manager(o => o.MaxMergeAttempts = 3, store);
        var cookie = await SaveNewAsync(Manager());
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        session["x"] = 1;

        // The first retry is immediate; the second waits 1-3 ms on the injected clock, which stands still until moved.
        var commit = manager.CommitAsync(session).AsTask();
        Assert.Equal(2, store.Saves);
        Assert.False(commit.IsCompleted);
        _clock.Advance(TimeSpan.FromMilliseconds(4));
        var error = await Assert.ThrowsAsync<SessionConflictException>(() => commit);
        Assert.Contains("3 attempts", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, store.Saves);
    }

    [Fact]
    public async Task Commit_SessionDeletedByOtherRequest_ThrowsSessionConflict()
    {
        var manager = Manager();
        var cookie = await SaveNewAsync(manager);
        var first = await manager.LoadAsync(cookie, SessionClientInfo.None);
        var second = await manager.LoadAsync(cookie, SessionClientInfo.None);
        await manager.SignOutAsync(first);
        second["x"] = 1;
        await Assert.ThrowsAsync<SessionConflictException>(async () => await manager.CommitAsync(second));
    }

    [Fact]
    public async Task Set_NodeWithParent_Throws()
    {
        var session = await Manager().LoadAsync(null, SessionClientInfo.None);
        var parent = new JsonObject { ["child"] = 1 };
        Assert.Throws<ArgumentException>(() => session.Set("k", parent["child"]));
    }

    [Fact]
    public void Options_TouchIntervalNotShorterThanIdle_Throws()
    {
        var options = new SessionManagerOptions { IdleTimeout = TimeSpan.FromMinutes(1), TouchInterval = TimeSpan.FromMinutes(1) };
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => new SessionManager(_store, options, _keyring));
        Assert.Contains("TouchInterval", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commit_NestedMutationInPlace_IsSavedAndUntouchedValuesKeepTheirJson()
    {
        var manager = Manager();
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["obj"] = new JsonObject { ["n"] = 1 };
        session["text"] = "caf\u00e9 \"quoted\"";
        session["number"] = 1.5e300;
        session["nothing"] = null;
        var cookie = (await manager.CommitAsync(session)).CookieValue;

        var loaded = await manager.LoadAsync(cookie, SessionClientInfo.None);
        loaded["obj"]!["n"] = 2;
        loaded.IsModified = true;
        await manager.CommitAsync(loaded);

        var final = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(2, final["obj"]!["n"]!.GetValue<int>());
        Assert.Equal("caf\u00e9 \"quoted\"", final["text"]!.GetValue<string>());
        Assert.Equal(1.5e300, final["number"]!.GetValue<double>());
        Assert.True(final.TryGetValue("nothing", out var nothing));
        Assert.Null(nothing);
        Assert.Equal(["obj", "text", "number", "nothing"], final.Select(kv => kv.Key).ToArray());
    }

    /// <summary>Passes everything through but reports records as live whatever their expiry.</summary>
    private sealed class ExpiryIgnoringStore(MemorySessionStore inner) : ISessionStore
    {
        public string Name => "lax";

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
            ValueTask.FromResult(inner.GetRecords().FirstOrDefault(r => r.Key == key));

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken) =>
            inner.SaveAsync(record, expectedVersion, cancellationToken);

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }

    /// <summary>Every save reports a conflict, as if another request always won the race.</summary>
    private sealed class AlwaysConflictingStore(MemorySessionStore inner) : ISessionStore
    {
        public int Saves { get; private set; }

        public string Name => "conflicting";

        public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) => inner.LoadAsync(key, cancellationToken);

        public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
        {
            Saves++;
            return ValueTask.FromResult(SaveResult.Conflict);
        }

        public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => inner.DeleteAsync(key, cancellationToken);
    }
}
