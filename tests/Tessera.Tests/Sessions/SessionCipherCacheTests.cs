using System.Security.Cryptography;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Tests.Sessions;

/// <summary>
/// <see cref="SessionCipherCache"/>: entries stay in place, a context is used by one request at a time, and every
/// context is disposed exactly when nobody can use it any more (refused records, rotation, eviction, disposal).
/// </summary>
public sealed class SessionCipherCacheTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly MemorySessionStore _store;
    private readonly SessionManager _manager;

    public SessionCipherCacheTests()
    {
        _store = new MemorySessionStore(_clock);
        _manager = Manager(new SessionManagerOptions());
    }

    public void Dispose() => _manager.Dispose();

    [Fact]
    public async Task Load_CachedSession_UsesTheCachedContextAndKeepsItInPlace()
    {
        var (cookie, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle);
        Assert.NotNull(entry);

        for (var i = 0; i < 3; i++)
        {
            var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);
            session["n"] = i;
            await _manager.CommitAsync(session);

            Assert.Equal(SessionLoadVerdict.Loaded, session.Verdict);
            Assert.Same(entry, _manager.Ciphers.Find(handle));
            Assert.Same(entry.DataKey, session.DataKey); // no derivation
            Assert.Null(session.TakeCipher()); // no context of its own was created
        }

        Assert.Equal(1, _manager.Ciphers.Count);
        Assert.True(entry.TryRent(), "the entry is idle between requests");
        entry.Return();
    }

    [Fact]
    public async Task Load_CachedContextBusy_RequestGetsItsOwnAndTheEntryStays()
    {
        var (cookie, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        Assert.True(entry.TryRent()); // another request is decrypting with it

        var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);
        session["n"] = 2;
        var own = session.RentCipher();
        var ownCipher = own.Cipher;
        own.Dispose();
        await _manager.CommitAsync(session);
        entry.Return();

        Assert.Equal(SessionLoadVerdict.Loaded, session.Verdict);
        Assert.NotSame(entry.Cipher, ownCipher);
        Assert.True(IsDisposed(ownCipher), "the request's own context is not kept: the session already has an entry");
        Assert.False(IsDisposed(entry.Cipher));
        Assert.Same(entry, _manager.Ciphers.Find(handle));
        Assert.Equal(2, (int)(await _manager.LoadAsync(cookie, SessionClientInfo.None))["n"]!);
    }

    [Fact]
    public async Task TryRent_ManyThreadsOnOneEntry_NeverTwoHoldersAtOnce()
    {
        var (_, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        int holders = 0, maxHolders = 0, rents = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
        {
            var plaintext = new byte[64];
            var ciphertext = new byte[64];
            var tag = new byte[16];
            var nonce = new byte[12];
            for (var i = 0; i < 20_000; i++)
            {
                if (!entry.TryRent())
                {
                    continue;
                }

                var now = Interlocked.Increment(ref holders);
                InterlockedMax(ref maxHolders, now);
                entry.Cipher.Encrypt(nonce, plaintext, ciphertext, tag);
                Interlocked.Increment(ref rents);
                Interlocked.Decrement(ref holders);
                entry.Return();
            }
        })));

        Assert.Equal(1, maxHolders);
        Assert.True(rents > 0);
    }

    [Fact]
    public async Task LoadAndCommit_ParallelRequestsOnFewSessions_EverySessionOpensAndNoWriteIsLost()
    {
        // 16 tasks, 4 per session, each writing its own key 25 times: a context used by two requests at once would
        // seal or open garbage (the record would stop opening) and a lost context would fail the load. On the real
        // clock: savers that keep colliding back off with Task.Delay on the manager's clock, which a fake one never ends.
        using var manager = new SessionManager(new MemorySessionStore(TimeProvider.System), new SessionManagerOptions(), new Keyring([RandomNumberGenerator.GetBytes(32)]), TimeProvider.System);
        var cookies = new string[4];
        for (var s = 0; s < cookies.Length; s++)
        {
            (cookies[s], _) = await SaveNewAsync(manager);
        }

        await Task.WhenAll(Enumerable.Range(0, 16).Select(task => Task.Run(async () =>
        {
            for (var i = 0; i < 25; i++)
            {
                var committed = false;
                while (!committed)
                {
                    var session = await manager.LoadAsync(cookies[task % 4], SessionClientInfo.None);
                    Assert.Equal(SessionLoadVerdict.Loaded, session.Verdict);
                    session["t" + task] = i;
                    try
                    {
                        await manager.CommitAsync(session);
                        committed = true;
                    }
                    catch (SessionConflictException)
                    {
                        // Too many concurrent savers of one session: the change was not stored; write it again.
                    }
                }
            }
        })));

        for (var task = 0; task < 16; task++)
        {
            var session = await manager.LoadAsync(cookies[task % 4], SessionClientInfo.None);
            Assert.Equal(24, (int)session["t" + task]!);
        }

        Assert.Equal(4, manager.Ciphers.Count);
    }

    [Fact]
    public async Task Load_ExpiredRecord_EntryDroppedAndContextDisposed()
    {
        var (_, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        var record = await _store.LoadAsync(handle.Key, default);
        _clock.Advance(TimeSpan.FromMinutes(21));

        var session = _manager.Open(handle, record, SessionClientInfo.None);

        Assert.Equal(SessionLoadVerdict.Expired, session.Verdict);
        AssertDropped(entry, handle);
    }

    [Fact]
    public async Task Load_RecordGoneFromTheStore_EntryDroppedAndContextDisposed()
    {
        var (cookie, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        await _store.DeleteAsync(handle.Key, default); // revoked elsewhere

        var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);

        Assert.Equal(SessionLoadVerdict.NotFound, session.Verdict);
        AssertDropped(entry, handle);
    }

    [Fact]
    public async Task Load_TamperedRecord_EntryDroppedAndContextDisposed()
    {
        var (_, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        var record = (await _store.LoadAsync(handle.Key, default))!;
        var data = record.Data.ToArray();
        data[^1] ^= 1;

        var session = _manager.Open(handle, record with { Data = data }, SessionClientInfo.None);

        Assert.Equal(SessionLoadVerdict.Undecryptable, session.Verdict);
        AssertDropped(entry, handle);
    }

    [Fact]
    public async Task Load_RecordThatDecryptsButIsNotASession_EntryDroppedAndContextDisposed()
    {
        var (_, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;
        var record = (await _store.LoadAsync(handle.Key, default))!;
        var notASession = SessionSealer.Seal(entry.DataKey, handle.Key, "[1,2,3]"u8);

        var session = _manager.Open(handle, record with { Data = notASession }, SessionClientInfo.None);

        Assert.Equal(SessionLoadVerdict.Corrupt, session.Verdict);
        AssertDropped(entry, handle);
    }

    [Fact]
    public async Task Load_FromAnotherIp_EntryKeptIdleForTheOwner()
    {
        using var manager = Manager(new SessionManagerOptions { BindToClientIp = true });
        var (cookie, handle) = await SaveNewAsync(manager, new SessionClientInfo("192.0.2.1"));
        var entry = manager.Ciphers.Find(handle)!;

        var other = await manager.LoadAsync(cookie, new SessionClientInfo("192.0.2.99"));
        await manager.CommitAsync(other);
        var owner = await manager.LoadAsync(cookie, new SessionClientInfo("192.0.2.1"));

        Assert.Equal(SessionLoadVerdict.IpMismatch, other.Verdict);
        Assert.Equal(SessionLoadVerdict.Loaded, owner.Verdict);
        Assert.Same(entry, manager.Ciphers.Find(handle));
        Assert.Null(owner.TakeCipher());
        Assert.True(entry.TryRent(), "handed back, not held");
        entry.Return();
        Assert.False(IsDisposed(entry.Cipher));
    }

    [Fact]
    public async Task SignInAndSignOut_OldHandlesEntryDroppedNewOneKept()
    {
        var (cookie, handle) = await SaveNewAsync(_manager);
        var entry = _manager.Ciphers.Find(handle)!;

        var session = await _manager.LoadAsync(cookie, SessionClientInfo.None);
        await _manager.SignInAsync(session, "alice", "check");
        var signedIn = (await _manager.CommitAsync(session)).CookieValue!;
        Assert.True(SessionHandle.TryParse(signedIn, out var newHandle));

        AssertDropped(entry, handle);
        var newEntry = _manager.Ciphers.Find(newHandle!);
        Assert.NotNull(newEntry);

        var again = await _manager.LoadAsync(signedIn, SessionClientInfo.None);
        Assert.Null(again.TakeCipher()); // the signed-in session's next request uses the new entry
        await _manager.SignOutAsync(again);
        await _manager.CommitAsync(again);

        AssertDropped(newEntry, newHandle!);
        Assert.Equal(0, _manager.Ciphers.Count);
    }

    [Fact]
    public void Keep_FullCache_EvictsIdleEntriesAndDisposesTheirContexts()
    {
        using var cache = new SessionCipherCache(4);
        var kept = new List<(SessionHandle Handle, AesGcm Cipher)>();
        for (var i = 0; i < 20; i++)
        {
            var handle = SessionHandle.Create();
            var cipher = NewCipher(handle, out var dataKey);
            cache.Keep(handle, dataKey, cipher);
            kept.Add((handle, cipher));
        }

        Assert.Equal(4, cache.Count);
        Assert.Equal(16, kept.Count(k => IsDisposed(k.Cipher)));
        Assert.All(kept.Where(k => !IsDisposed(k.Cipher)), k => Assert.Same(k.Cipher, cache.Find(k.Handle)?.Cipher));
        Assert.Equal(4, kept.Count(k => cache.Find(k.Handle) is not null));
    }

    [Fact]
    public void Keep_FullCacheOfRentedEntries_NewContextNotKeptRentedOnesUntouched()
    {
        using var cache = new SessionCipherCache(2);
        var entries = new List<SessionCipherCache.Entry>();
        for (var i = 0; i < 2; i++)
        {
            var handle = SessionHandle.Create();
            cache.Keep(handle, SessionSealer.DeriveDataKey(handle.DataKey), NewCipher(handle, out _));
            var entry = cache.Find(handle)!;
            Assert.True(entry.TryRent());
            entries.Add(entry);
        }

        var late = SessionHandle.Create();
        var lateCipher = NewCipher(late, out var lateKey);
        cache.Keep(late, lateKey, lateCipher);

        Assert.True(IsDisposed(lateCipher));
        Assert.Null(cache.Find(late));
        Assert.All(entries, e => Assert.False(IsDisposed(e.Cipher)));

        entries[1].Return();
        var later = SessionHandle.Create();
        cache.Keep(later, SessionSealer.DeriveDataKey(later.DataKey), NewCipher(later, out _));

        Assert.NotNull(cache.Find(later));
        Assert.True(IsDisposed(entries[1].Cipher), "the idle entry was evicted");
        Assert.False(IsDisposed(entries[0].Cipher), "the rented entry was not");
        Assert.Equal(2, cache.Count);
        entries[0].Return();
    }

    [Fact]
    public async Task KeepFindRent_ParallelUnderPressure_NoRentedContextIsEverDisposed()
    {
        using var cache = new SessionCipherCache(8);
        var handles = Enumerable.Range(0, 100).Select(_ => SessionHandle.Create()).ToArray();
        var disposedWhileRented = 0;

        await Task.WhenAll(Enumerable.Range(0, 8).Select(t => Task.Run(() =>
        {
            var nonce = new byte[12];
            var buffer = new byte[16];
            var tag = new byte[16];
            for (var i = 0; i < 5_000; i++)
            {
                var handle = handles[((i * 7) + t) % handles.Length];
                if (cache.Find(handle) is { } entry && entry.TryRent())
                {
                    try
                    {
                        entry.Cipher.Encrypt(nonce, buffer, buffer, tag);
                    }
                    catch (ObjectDisposedException)
                    {
                        Interlocked.Increment(ref disposedWhileRented);
                    }

                    entry.Return();
                }
                else
                {
                    cache.Keep(handle, SessionSealer.DeriveDataKey(handle.DataKey), NewCipher(handle, out _));
                }
            }
        })));

        Assert.Equal(0, disposedWhileRented);
        Assert.InRange(cache.Count, 1, 8 + 8); // at most one over per concurrent caller
    }

    [Fact]
    public void Dispose_IdleContextsDisposedRentedOneWhenReturned()
    {
        var cache = new SessionCipherCache(8);
        var idle = SessionHandle.Create();
        var rented = SessionHandle.Create();
        cache.Keep(idle, SessionSealer.DeriveDataKey(idle.DataKey), NewCipher(idle, out _));
        cache.Keep(rented, SessionSealer.DeriveDataKey(rented.DataKey), NewCipher(rented, out _));
        var idleEntry = cache.Find(idle)!;
        var rentedEntry = cache.Find(rented)!;
        Assert.True(rentedEntry.TryRent());

        cache.Dispose();

        Assert.Equal(0, cache.Count);
        Assert.True(IsDisposed(idleEntry.Cipher));
        Assert.False(IsDisposed(rentedEntry.Cipher), "still in use");
        rentedEntry.Return();
        Assert.True(IsDisposed(rentedEntry.Cipher));
        Assert.Null(cache.Find(idle));
        var after = SessionHandle.Create();
        var afterCipher = NewCipher(after, out var afterKey);
        cache.Keep(after, afterKey, afterCipher);
        Assert.True(IsDisposed(afterCipher));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public async Task Dispose_Manager_CachedContextsFreedAndSessionsStillWork()
    {
        var manager = Manager(new SessionManagerOptions());
        var (cookie, handle) = await SaveNewAsync(manager);
        var entry = manager.Ciphers.Find(handle)!;

        manager.Dispose();
        var session = await manager.LoadAsync(cookie, SessionClientInfo.None);
        session["n"] = 2;
        await manager.CommitAsync(session);

        Assert.True(IsDisposed(entry.Cipher));
        Assert.Equal(SessionLoadVerdict.Loaded, session.Verdict);
        Assert.Equal(2, (int)(await manager.LoadAsync(cookie, SessionClientInfo.None))["n"]!);
        Assert.Equal(0, manager.Ciphers.Count);
    }

    private SessionManager Manager(SessionManagerOptions options) =>
        new(_store, options, new Keyring([RandomNumberGenerator.GetBytes(32)]), _clock);

    private static async Task<(string Cookie, SessionHandle Handle)> SaveNewAsync(SessionManager manager, SessionClientInfo? client = null)
    {
        var session = await manager.LoadAsync(null, client ?? SessionClientInfo.None);
        session["n"] = 1;
        var cookie = (await manager.CommitAsync(session)).CookieValue!;
        Assert.True(SessionHandle.TryParse(cookie, out var handle));
        return (cookie, handle!);
    }

    private void AssertDropped(SessionCipherCache.Entry entry, SessionHandle handle)
    {
        Assert.Null(_manager.Ciphers.Find(handle));
        Assert.True(IsDisposed(entry.Cipher));
        Assert.False(entry.TryRent(), "a dropped entry is never rented again");
    }

    private static AesGcm NewCipher(SessionHandle handle, out byte[] dataKey)
    {
        dataKey = SessionSealer.DeriveDataKey(handle.DataKey);
        return SessionSealer.CreateCipher(dataKey);
    }

    private static bool IsDisposed(AesGcm cipher)
    {
        try
        {
            cipher.Encrypt(new byte[12], new byte[1], new byte[1], new byte[16]);
            return false;
        }
        catch (ObjectDisposedException)
        {
            return true;
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
