using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Tessera.Keys;
using Tessera.Sessions;
using Tessera.Stores;
using Xunit;

namespace Tessera.Testing;

/// <summary>
/// The conformance suite every <see cref="ISessionStore"/> passes. Derive a test class in your test project,
/// implement <see cref="CreateStoreAsync"/> (a fresh, empty store on the given clock) and <see cref="DumpAsync"/>
/// (every byte the store holds), and declare the optional capabilities your store lacks; xunit runs the inherited
/// facts. A capability declared present must be implemented and work; one declared absent must not be implemented.
/// </summary>
public abstract class SessionStoreConformanceTests : IAsyncLifetime
{
    private readonly List<ISessionStore> _stores = [];

    /// <summary>The clock the suite drives; starts at 2026-01-01T00:00:00Z.</summary>
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Whether the store implements <see cref="IUserSessionIndex"/>.</summary>
    protected virtual bool SupportsUserIndex => true;

    /// <summary>Whether the store implements <see cref="IExpiredSessionSweeper"/>.</summary>
    protected virtual bool SupportsSweep => true;

    /// <summary>Whether the store implements <see cref="ISessionStoreStatistics"/>.</summary>
    protected virtual bool SupportsStatistics => true;

    /// <summary>Whether the store implements <see cref="ISessionStoreProbe"/>.</summary>
    protected virtual bool SupportsProbe => true;

    /// <summary>Whether the store implements <see cref="ISessionStoreKeyCheck"/>.</summary>
    protected virtual bool SupportsKeyCheck => true;

    /// <summary>How many tasks save concurrently in the concurrency tests.</summary>
    protected virtual int ConcurrentTasks => 16;

    /// <summary>Creates a fresh, empty store that takes "now" from <paramref name="timeProvider"/>.</summary>
    protected abstract Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider);

    /// <summary>
    /// Returns every byte the store holds (records, files, database file and journal, rows, keys), to prove that
    /// no session value or user id is stored in the clear.
    /// </summary>
    protected abstract Task<byte[]> DumpAsync(ISessionStore store);

    /// <inheritdoc />
    public virtual Task InitializeAsync() => Task.CompletedTask;

    /// <inheritdoc />
    public virtual async Task DisposeAsync()
    {
        foreach (var store in _stores)
        {
            switch (store)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }
    }

    /// <summary>Creates a store through <see cref="CreateStoreAsync"/> and disposes it after the test.</summary>
    protected async Task<ISessionStore> NewStoreAsync()
    {
        var store = await CreateStoreAsync(Clock);
        Assert.NotNull(store);
        _stores.Add(store);
        return store;
    }

    /// <summary>A manager over <paramref name="store"/> on the suite's clock with a random server secret.</summary>
    protected SessionManager NewManager(ISessionStore store, int maxMergeAttempts = 64) =>
        new(store, new SessionManagerOptions { MaxMergeAttempts = maxMergeAttempts }, ServerKeys, Clock);

    private Keyring ServerKeys { get; } = new([RandomNumberGenerator.GetBytes(32)]);

    /// <summary>
    /// Waits for <paramref name="work"/> while moving <see cref="Clock"/> on in 1 ms steps: the manager's merge
    /// back-off waits on that clock, so colliding commits only retry once it moves.
    /// </summary>
    protected async Task WhileClockMovesAsync(Task work)
    {
        ArgumentNullException.ThrowIfNull(work);
        while (!work.IsCompleted)
        {
            Clock.Advance(TimeSpan.FromMilliseconds(1));
            await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(1), TimeProvider.System));
        }

        await work;
    }

    private static SessionKey RandomKey() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));

    private SessionRecord NewRecord(SessionKey? key = null, long version = 1, TimeSpan? ttl = null, string? userTag = null, int dataLength = 48)
    {
        var listing = userTag is null ? default(ReadOnlyMemory<byte>) : RandomNumberGenerator.GetBytes(40);
        return new SessionRecord(key ?? RandomKey(), version, RandomNumberGenerator.GetBytes(dataLength), Clock.GetUtcNow() + (ttl ?? TimeSpan.FromMinutes(20)), userTag, listing);
    }

    private static string RandomTag() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    private static void AssertSameRecord(SessionRecord expected, SessionRecord? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.Key, actual.Key);
        Assert.Equal(expected.Version, actual.Version);
        Assert.Equal(expected.Data.ToArray(), actual.Data.ToArray());
        Assert.Equal(expected.ExpiresAt.ToUnixTimeMilliseconds(), actual.ExpiresAt.ToUnixTimeMilliseconds());
        Assert.Equal(expected.UserTag, actual.UserTag);
        Assert.Equal(expected.Listing.ToArray(), actual.Listing.ToArray());
    }

    /// <summary>A key never saved loads as missing.</summary>
    [Fact]
    public async Task Load_MissingKey_ReturnsNull()
    {
        var store = await NewStoreAsync();
        Assert.Null(await store.LoadAsync(RandomKey(), CancellationToken.None));
    }

    /// <summary>The store has a short, non-empty name.</summary>
    [Fact]
    public async Task Name_IsShortAndNotEmpty()
    {
        var store = await NewStoreAsync();
        Assert.False(string.IsNullOrWhiteSpace(store.Name));
        Assert.True(store.Name.Length <= 32, $"Store name '{store.Name}' should be a short label, not a connection string.");
    }

    /// <summary>What is saved loads back byte for byte.</summary>
    [Fact]
    public async Task SaveThenLoad_AnonymousRecord_RoundTrips()
    {
        var store = await NewStoreAsync();
        var record = NewRecord();
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, CancellationToken.None));
        AssertSameRecord(record, await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>User tag and listing load back byte for byte.</summary>
    [Fact]
    public async Task SaveThenLoad_TaggedRecord_RoundTrips()
    {
        var store = await NewStoreAsync();
        var record = NewRecord(userTag: RandomTag());
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, CancellationToken.None));
        AssertSameRecord(record, await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>A large record (256 KiB) loads back byte for byte.</summary>
    [Fact]
    public async Task SaveThenLoad_LargeRecord_RoundTrips()
    {
        var store = await NewStoreAsync();
        var record = NewRecord(dataLength: 256 * 1024);
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(record, 0, CancellationToken.None));
        AssertSameRecord(record, await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>A save naming the version it read replaces the record.</summary>
    [Fact]
    public async Task Save_ExpectedVersionMatches_ReplacesRecord()
    {
        var store = await NewStoreAsync();
        var first = NewRecord();
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(first, 0, CancellationToken.None));
        var second = NewRecord(first.Key, version: 2, userTag: RandomTag());
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(second, 1, CancellationToken.None));
        AssertSameRecord(second, await store.LoadAsync(first.Key, CancellationToken.None));
        var third = NewRecord(first.Key, version: 3);
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(third, 2, CancellationToken.None));
        AssertSameRecord(third, await store.LoadAsync(first.Key, CancellationToken.None));
    }

    /// <summary>A save naming a stale version is a conflict and leaves the stored record untouched.</summary>
    [Fact]
    public async Task Save_StaleVersion_ReturnsConflictAndKeepsStored()
    {
        var store = await NewStoreAsync();
        var first = NewRecord();
        await store.SaveAsync(first, 0, CancellationToken.None);
        var second = NewRecord(first.Key, version: 2);
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(second, 1, CancellationToken.None));
        var stale = NewRecord(first.Key, version: 2);
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(stale, 1, CancellationToken.None));
        AssertSameRecord(second, await store.LoadAsync(first.Key, CancellationToken.None));
    }

    /// <summary>Creating (expected version 0) over a live record is a conflict.</summary>
    [Fact]
    public async Task Save_CreateOverLiveRecord_ReturnsConflict()
    {
        var store = await NewStoreAsync();
        var first = NewRecord();
        await store.SaveAsync(first, 0, CancellationToken.None);
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(NewRecord(first.Key), 0, CancellationToken.None));
        AssertSameRecord(first, await store.LoadAsync(first.Key, CancellationToken.None));
    }

    /// <summary>Updating (expected version above 0) a record that does not exist is a conflict, and creates nothing.</summary>
    [Fact]
    public async Task Save_UpdateOfMissingRecord_ReturnsConflict()
    {
        var store = await NewStoreAsync();
        var record = NewRecord(version: 4);
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(record, 3, CancellationToken.None));
        Assert.Null(await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>A record past its expiry (per the injected clock) loads as missing.</summary>
    [Fact]
    public async Task Load_AfterExpiry_ReturnsNull()
    {
        var store = await NewStoreAsync();
        var record = NewRecord(ttl: TimeSpan.FromMinutes(5));
        await store.SaveAsync(record, 0, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.NotNull(await store.LoadAsync(record.Key, CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Null(await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>An expired record counts as missing for saves too: updating it conflicts, creating over it succeeds.</summary>
    [Fact]
    public async Task Save_OverExpiredRecord_TreatsItAsMissing()
    {
        var store = await NewStoreAsync();
        var record = NewRecord(ttl: TimeSpan.FromMinutes(5));
        await store.SaveAsync(record, 0, CancellationToken.None);
        Clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(NewRecord(record.Key, version: 2), 1, CancellationToken.None));
        var fresh = NewRecord(record.Key);
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(fresh, 0, CancellationToken.None));
        AssertSameRecord(fresh, await store.LoadAsync(record.Key, CancellationToken.None));
    }

    /// <summary>Delete removes a record; the key can then be created again.</summary>
    [Fact]
    public async Task Delete_ExistingRecord_RemovesIt()
    {
        var store = await NewStoreAsync();
        var record = NewRecord();
        var other = NewRecord();
        await store.SaveAsync(record, 0, CancellationToken.None);
        await store.SaveAsync(other, 0, CancellationToken.None);
        await store.DeleteAsync(record.Key, CancellationToken.None);
        Assert.Null(await store.LoadAsync(record.Key, CancellationToken.None));
        AssertSameRecord(other, await store.LoadAsync(other.Key, CancellationToken.None));
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(NewRecord(record.Key, version: 2), 1, CancellationToken.None));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(NewRecord(record.Key), 0, CancellationToken.None));
    }

    /// <summary>Deleting a missing record is not an error.</summary>
    [Fact]
    public async Task Delete_MissingRecord_DoesNotThrow()
    {
        var store = await NewStoreAsync();
        await store.DeleteAsync(RandomKey(), CancellationToken.None);
        Assert.Null(await store.LoadAsync(RandomKey(), CancellationToken.None));
    }

    /// <summary>The store declares exactly the optional capabilities it has.</summary>
    [Fact]
    public async Task Capabilities_MatchDeclaration()
    {
        var store = await NewStoreAsync();
        Assert.Equal(SupportsUserIndex, store is IUserSessionIndex);
        Assert.Equal(SupportsSweep, store is IExpiredSessionSweeper);
        Assert.Equal(SupportsStatistics, store is ISessionStoreStatistics);
        Assert.Equal(SupportsKeyCheck, store is ISessionStoreKeyCheck);
        Assert.Equal(SupportsProbe, store is ISessionStoreProbe);
    }

    /// <summary>The key-check value is a compare-and-set: written only over the value the writer expects.</summary>
    [Fact]
    public async Task KeyCheck_ReplaceOverExpected_IsCompareAndSet()
    {
        var store = await NewStoreAsync();
        if (Capability<ISessionStoreKeyCheck>(store, SupportsKeyCheck, nameof(SupportsKeyCheck)) is not { } keyCheck)
        {
            return;
        }

        byte[] first = [.. Enumerable.Repeat((byte)1, 32)], second = [.. Enumerable.Repeat((byte)2, 32)];
        Assert.Null(await keyCheck.ReadKeyCheckAsync(CancellationToken.None));
        Assert.True(await keyCheck.ReplaceKeyCheckAsync(null, first, CancellationToken.None));
        Assert.False(await keyCheck.ReplaceKeyCheckAsync(null, second, CancellationToken.None));
        Assert.False(await keyCheck.ReplaceKeyCheckAsync(second, second, CancellationToken.None));
        Assert.Equal(first, await keyCheck.ReadKeyCheckAsync(CancellationToken.None));
        Assert.True(await keyCheck.ReplaceKeyCheckAsync(first, second, CancellationToken.None));
        Assert.Equal(second, await keyCheck.ReadKeyCheckAsync(CancellationToken.None));
    }

    /// <summary>
    /// A manager records its newest secret's key check with its first save, moves a value of an older secret of its
    /// keyring forward (rotation), and never overwrites a value no secret of its keyring wrote.
    /// </summary>
    [Fact]
    public async Task KeyCheck_ManagerSaves_RecordNewestSecretAndKeepForeignValues()
    {
        var store = await NewStoreAsync();
        if (Capability<ISessionStoreKeyCheck>(store, SupportsKeyCheck, nameof(SupportsKeyCheck)) is null)
        {
            return;
        }

        byte[] oldSecret = RandomNumberGenerator.GetBytes(32), newSecret = RandomNumberGenerator.GetBytes(32), otherSecret = RandomNumberGenerator.GetBytes(32);
        var old = new StoreKeyCheck(new Keyring([oldSecret]));
        Assert.Equal(StoreKeyVerdict.NotRecorded, await old.VerifyAsync(store, CancellationToken.None));

        await SaveOneAsync(store, new Keyring([oldSecret]));
        Assert.Equal(StoreKeyVerdict.Matches, await old.VerifyAsync(store, CancellationToken.None));
        Assert.Equal(StoreKeyVerdict.Matches, await new StoreKeyCheck(new Keyring([newSecret, oldSecret])).VerifyAsync(store, CancellationToken.None));
        Assert.Equal(StoreKeyVerdict.Mismatch, await new StoreKeyCheck(new Keyring([newSecret])).VerifyAsync(store, CancellationToken.None));

        await SaveOneAsync(store, new Keyring([newSecret, oldSecret]));
        Assert.Equal(StoreKeyVerdict.Matches, await new StoreKeyCheck(new Keyring([newSecret])).VerifyAsync(store, CancellationToken.None));
        Assert.Equal(StoreKeyVerdict.Mismatch, await old.VerifyAsync(store, CancellationToken.None));

        await SaveOneAsync(store, new Keyring([otherSecret]));
        Assert.Equal(StoreKeyVerdict.Matches, await new StoreKeyCheck(new Keyring([newSecret])).VerifyAsync(store, CancellationToken.None));
    }

    private async Task SaveOneAsync(ISessionStore store, Keyring keyring)
    {
        var manager = new SessionManager(store, new SessionManagerOptions(), keyring, Clock);
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["n"] = 1;
        await manager.CommitAsync(session);
    }

    /// <summary>Sweeping deletes exactly the expired records.</summary>
    [Fact]
    public async Task Sweep_ExpiredRecords_DeletesOnlyThose()
    {
        var store = await NewStoreAsync();
        if (Capability<IExpiredSessionSweeper>(store, SupportsSweep, nameof(SupportsSweep)) is not { } sweeper)
        {
            return;
        }

        var shortLived = new[] { NewRecord(ttl: TimeSpan.FromMinutes(1)), NewRecord(ttl: TimeSpan.FromMinutes(2), userTag: RandomTag()) };
        var longLived = NewRecord(ttl: TimeSpan.FromHours(1));
        foreach (var r in shortLived.Append(longLived))
        {
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(r, 0, CancellationToken.None));
        }

        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(2, await sweeper.SweepAsync(CancellationToken.None));
        Assert.Equal(0, await sweeper.SweepAsync(CancellationToken.None));
        AssertSameRecord(longLived, await store.LoadAsync(longLived.Key, CancellationToken.None));
        if (store is ISessionStoreStatistics statistics)
        {
            Assert.Equal(new SessionStoreStatistics(1, 0), await statistics.GetStatisticsAsync(CancellationToken.None));
        }
    }

    /// <summary>Statistics count live and expired (unswept) records.</summary>
    [Fact]
    public async Task Statistics_LiveAndExpired_AreCounted()
    {
        var store = await NewStoreAsync();
        if (Capability<ISessionStoreStatistics>(store, SupportsStatistics, nameof(SupportsStatistics)) is not { } statistics)
        {
            return;
        }

        Assert.Equal(new SessionStoreStatistics(0, 0), await statistics.GetStatisticsAsync(CancellationToken.None));
        await store.SaveAsync(NewRecord(ttl: TimeSpan.FromMinutes(1)), 0, CancellationToken.None);
        await store.SaveAsync(NewRecord(ttl: TimeSpan.FromHours(1)), 0, CancellationToken.None);
        await store.SaveAsync(NewRecord(ttl: TimeSpan.FromHours(1), userTag: RandomTag()), 0, CancellationToken.None);
        Assert.Equal(new SessionStoreStatistics(3, 0), await statistics.GetStatisticsAsync(CancellationToken.None));
        Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new SessionStoreStatistics(2, 1), await statistics.GetStatisticsAsync(CancellationToken.None));
    }

    /// <summary>Listing by user tag returns that user's live records only.</summary>
    [Fact]
    public async Task UserIndex_ListByUser_ReturnsOnlyThatUsersLiveRecords()
    {
        var store = await NewStoreAsync();
        if (Capability<IUserSessionIndex>(store, SupportsUserIndex, nameof(SupportsUserIndex)) is not { } index)
        {
            return;
        }

        var alice = RandomTag();
        var bob = RandomTag();
        var a1 = NewRecord(userTag: alice);
        var a2 = NewRecord(userTag: alice);
        var aShort = NewRecord(userTag: alice, ttl: TimeSpan.FromMinutes(1));
        var b1 = NewRecord(userTag: bob);
        foreach (var r in new[] { a1, a2, aShort, b1, NewRecord() })
        {
            await store.SaveAsync(r, 0, CancellationToken.None);
        }

        Clock.Advance(TimeSpan.FromMinutes(2));
        var listed = await index.ListByUserAsync(alice, CancellationToken.None);
        Assert.Equal(new[] { a1.Key, a2.Key }.Select(k => k.ToString()).Order(), listed.Select(r => r.Key.ToString()).Order());
        AssertSameRecord(a1, listed.Single(r => r.Key == a1.Key));
        Assert.Empty(await index.ListByUserAsync(RandomTag(), CancellationToken.None));
    }

    /// <summary>A record whose tag changes (sign-in on an anonymous session, another user) moves in the index.</summary>
    [Fact]
    public async Task UserIndex_TagChangedBySave_FollowsTheRecord()
    {
        var store = await NewStoreAsync();
        if (Capability<IUserSessionIndex>(store, SupportsUserIndex, nameof(SupportsUserIndex)) is not { } index)
        {
            return;
        }

        var alice = RandomTag();
        var bob = RandomTag();
        var record = NewRecord();
        await store.SaveAsync(record, 0, CancellationToken.None);
        await store.SaveAsync(NewRecord(record.Key, version: 2, userTag: alice), 1, CancellationToken.None);
        Assert.Single(await index.ListByUserAsync(alice, CancellationToken.None));
        await store.SaveAsync(NewRecord(record.Key, version: 3, userTag: bob), 2, CancellationToken.None);
        Assert.Empty(await index.ListByUserAsync(alice, CancellationToken.None));
        Assert.Single(await index.ListByUserAsync(bob, CancellationToken.None));
        await store.DeleteAsync(record.Key, CancellationToken.None);
        Assert.Empty(await index.ListByUserAsync(bob, CancellationToken.None));
    }

    /// <summary>Deleting by user removes all that user's records but the excepted one, and no one else's.</summary>
    [Fact]
    public async Task UserIndex_DeleteByUserExceptCurrent_KeepsCurrentAndOthers()
    {
        var store = await NewStoreAsync();
        if (Capability<IUserSessionIndex>(store, SupportsUserIndex, nameof(SupportsUserIndex)) is not { } index)
        {
            return;
        }

        var alice = RandomTag();
        var bob = RandomTag();
        var a = Enumerable.Range(0, 3).Select(_ => NewRecord(userTag: alice)).ToArray();
        var b = NewRecord(userTag: bob);
        foreach (var r in a.Append(b))
        {
            await store.SaveAsync(r, 0, CancellationToken.None);
        }

        Assert.Equal(2, await index.DeleteByUserAsync(alice, a[1].Key, CancellationToken.None));
        Assert.Null(await store.LoadAsync(a[0].Key, CancellationToken.None));
        Assert.NotNull(await store.LoadAsync(a[1].Key, CancellationToken.None));
        Assert.Null(await store.LoadAsync(a[2].Key, CancellationToken.None));
        Assert.NotNull(await store.LoadAsync(b.Key, CancellationToken.None));
        Assert.Equal(1, await index.DeleteByUserAsync(alice, null, CancellationToken.None));
        Assert.Empty(await index.ListByUserAsync(alice, CancellationToken.None));
        Assert.Single(await index.ListByUserAsync(bob, CancellationToken.None));
    }

    /// <summary>One call for several tags (one user under each keyring secret) lists and deletes each record once, and only theirs.</summary>
    [Fact]
    public async Task UserIndex_SeveralTags_ListsAndDeletesEachRecordOnce()
    {
        var store = await NewStoreAsync();
        if (Capability<IUserSessionIndex>(store, SupportsUserIndex, nameof(SupportsUserIndex)) is not { } index)
        {
            return;
        }

        var newTag = RandomTag();
        var oldTag = RandomTag();
        var bob = RandomTag();
        var current = NewRecord(userTag: newTag);
        var others = new[] { NewRecord(userTag: newTag), NewRecord(userTag: oldTag), NewRecord(userTag: oldTag) };
        var b = NewRecord(userTag: bob);
        foreach (var r in others.Append(current).Append(b))
        {
            await store.SaveAsync(r, 0, CancellationToken.None);
        }

        var listed = await index.ListByUserTagsAsync([newTag, oldTag, newTag], CancellationToken.None);
        Assert.Equal(others.Append(current).Select(r => r.Key.ToString()).Order(), listed.Select(r => r.Key.ToString()).Order());
        Assert.Equal(3, await index.DeleteByUserTagsAsync([newTag, oldTag], current.Key, CancellationToken.None));
        Assert.Equal([current.Key], (await index.ListByUserTagsAsync([newTag, oldTag], CancellationToken.None)).Select(r => r.Key));
        Assert.NotNull(await store.LoadAsync(b.Key, CancellationToken.None));
    }

    /// <summary>The probe answers on an empty store and on a store with records, and leaves the records as they were.</summary>
    [Fact]
    public async Task Probe_AnsweringStore_CompletesAndChangesNothing()
    {
        var store = await NewStoreAsync();
        if (Capability<ISessionStoreProbe>(store, SupportsProbe, nameof(SupportsProbe)) is not { } probe)
        {
            return;
        }

        await probe.ProbeAsync(CancellationToken.None);
        var record = NewRecord(userTag: RandomTag());
        await store.SaveAsync(record, 0, CancellationToken.None);
        await probe.ProbeAsync(CancellationToken.None);
        AssertSameRecord(record, await store.LoadAsync(record.Key, CancellationToken.None));
        if (store is ISessionStoreStatistics statistics)
        {
            Assert.Equal(new SessionStoreStatistics(1, 0), await statistics.GetStatisticsAsync(CancellationToken.None));
        }
    }

    /// <summary>Many tasks doing load-modify-save with retry on the same record: every save lands exactly once.</summary>
    [Fact]
    public async Task Save_ConcurrentTasks_NoLostUpdate()
    {
        var store = await NewStoreAsync();
        var key = RandomKey();
        await store.SaveAsync(NewRecord(key, version: 1), 0, CancellationToken.None);
        var tasks = Enumerable.Range(0, ConcurrentTasks).Select(_ => Task.Run(async () =>
        {
            var conflicts = 0;
            while (true)
            {
                var current = await store.LoadAsync(key, CancellationToken.None);
                Assert.NotNull(current);
                var next = NewRecord(key, version: current.Version + 1);
                if (await store.SaveAsync(next, current.Version, CancellationToken.None) == SaveResult.Saved)
                {
                    return conflicts;
                }

                conflicts++;
            }
        })).ToArray();
        await Task.WhenAll(tasks);
        var final = await store.LoadAsync(key, CancellationToken.None);
        Assert.Equal(1 + ConcurrentTasks, final!.Version);
    }

    /// <summary>A session saved through the manager loads back with its values.</summary>
    [Fact]
    public async Task Manager_SaveThenLoad_RoundTripsValues()
    {
        var manager = NewManager(await NewStoreAsync());
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["text"] = "héllo";
        session["number"] = 42;
        session["object"] = new JsonObject { ["nested"] = new JsonArray(1, 2, 3) };
        var commit = await manager.CommitAsync(session);
        Assert.NotNull(commit.CookieValue);
        var loaded = await manager.LoadAsync(commit.CookieValue, SessionClientInfo.None);
        Assert.Equal(SessionLoadVerdict.Loaded, loaded.Verdict);
        Assert.Equal("héllo", loaded["text"]!.GetValue<string>());
        Assert.Equal(42, loaded["number"]!.GetValue<int>());
        Assert.Equal(3, loaded["object"]!["nested"]!.AsArray().Count);
    }

    /// <summary>Concurrent requests changing different keys of one session through the manager all keep their changes.</summary>
    [Fact]
    public async Task Manager_ConcurrentCommitsOfDifferentKeys_AllKept()
    {
        var manager = NewManager(await NewStoreAsync());
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["base"] = "kept";
        var cookie = (await manager.CommitAsync(session)).CookieValue;

        // Load every copy first so all of them start from the same version and must merge.
        var copies = new List<ServerSession>();
        for (var i = 0; i < ConcurrentTasks; i++)
        {
            var copy = await manager.LoadAsync(cookie, SessionClientInfo.None);
            copy[$"k{i}"] = i;
            copies.Add(copy);
        }

        await WhileClockMovesAsync(Task.WhenAll(copies.Select(c => Task.Run(async () => await manager.CommitAsync(c)))));
        var final = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal("kept", final["base"]!.GetValue<string>());
        for (var i = 0; i < ConcurrentTasks; i++)
        {
            Assert.Equal(i, final[$"k{i}"]!.GetValue<int>());
        }
    }

    /// <summary>Two requests setting the same key: the later commit wins; a removal by one and a set by another merge.</summary>
    [Fact]
    public async Task Manager_SameKeyFromTwoRequests_LaterWriteWins()
    {
        var manager = NewManager(await NewStoreAsync());
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["x"] = 0;
        session["gone"] = true;
        var cookie = (await manager.CommitAsync(session)).CookieValue;
        var first = await manager.LoadAsync(cookie, SessionClientInfo.None);
        var second = await manager.LoadAsync(cookie, SessionClientInfo.None);
        first["x"] = 1;
        first.Remove("gone");
        second["x"] = 2;
        second["y"] = "second";
        await manager.CommitAsync(first);
        await manager.CommitAsync(second);
        var final = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.Equal(2, final["x"]!.GetValue<int>());
        Assert.Equal("second", final["y"]!.GetValue<string>());
        Assert.False(final.ContainsKey("gone"));
    }

    /// <summary>
    /// A user's sessions are listed without handles and can be revoked one by one or all but the current; over a store
    /// without a user index, no <see cref="UserSessionDirectory"/> can be made.
    /// </summary>
    [Fact]
    public async Task UserSessionDirectory_ListAndRevokeUserSessions_Works()
    {
        var store = await NewStoreAsync();
        if (Capability<IUserSessionIndex>(store, SupportsUserIndex, nameof(SupportsUserIndex)) is null)
        {
            var error = Assert.Throws<ArgumentException>(() => new UserSessionDirectory(store, ServerKeys, Clock));
            Assert.Contains($"'{store.Name}' has no user index", error.Message, StringComparison.Ordinal);
            return;
        }

        var manager = NewManager(store);
        var users = new UserSessionDirectory(store, ServerKeys, Clock);
        var userId = "user-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var sessions = new List<ServerSession>();
        for (var i = 0; i < 3; i++)
        {
            var s = await manager.LoadAsync(null, new SessionClientInfo($"192.0.2.{i + 1}", $"agent {i}"));
            await manager.SignInAsync(s, userId, "check-1");
            await manager.CommitAsync(s);
            sessions.Add(s);
            Clock.Advance(TimeSpan.FromSeconds(10));
        }

        var list = await users.ListAsync(userId, sessions[0]);
        Assert.Equal(3, list.Count);
        Assert.Equal(sessions[2].Fingerprint, list[0].Fingerprint);
        Assert.True(list.Single(i => i.Fingerprint == sessions[0].Fingerprint).IsCurrent);
        Assert.Equal("192.0.2.2", list.Single(i => i.Fingerprint == sessions[1].Fingerprint).ClientIp);
        Assert.Equal("agent 1", list.Single(i => i.Fingerprint == sessions[1].Fingerprint).UserAgent);

        Assert.True(await users.RevokeAsync(userId, sessions[1].Fingerprint));
        Assert.False(await users.RevokeAsync(userId, sessions[1].Fingerprint));
        Assert.Equal(1, await users.RevokeAllAsync(userId, sessions[0]));
        var left = Assert.Single(await users.ListAsync(userId));
        Assert.Equal(sessions[0].Fingerprint, left.Fingerprint);
    }

    /// <summary>A full copy of the store shows no session value, user id, client IP, user agent, lookup id or data key.</summary>
    [Fact]
    public async Task Dump_AfterSignedInSessionSaved_ContainsNoSecretOrValue()
    {
        var store = await NewStoreAsync();
        var manager = NewManager(store);
        var valueMarker = "value-marker-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var userMarker = "user-marker-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var agentMarker = "agent-marker-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var ipMarker = "2001:db8::" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2)) + ":" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(2));
        var session = await manager.LoadAsync(null, new SessionClientInfo(ipMarker, agentMarker));
        session["secret"] = valueMarker;
        await manager.SignInAsync(session, userMarker, "check", new JsonObject { ["extra"] = valueMarker });
        var cookie = (await manager.CommitAsync(session)).CookieValue!;
        Assert.True(SessionHandle.TryParse(cookie, out var handle));
        var stored = await store.LoadAsync(handle!.Key, CancellationToken.None);
        Assert.NotNull(stored);

        var dump = await DumpAsync(store);
        Assert.True(Contains(dump, stored.Data.Span[..32]), "The dump does not contain the stored record: DumpAsync must return every byte the store holds.");
        foreach (var marker in new[] { valueMarker, userMarker, agentMarker, ipMarker, cookie })
        {
            Assert.False(Contains(dump, Encoding.UTF8.GetBytes(marker)), $"The store holds '{marker}' in the clear (UTF-8).");
            Assert.False(Contains(dump, Encoding.Unicode.GetBytes(marker)), $"The store holds '{marker}' in the clear (UTF-16).");
        }

        // The handle's secrets, from the cookie by its documented layout: version | lookup id | data key.
        var raw = Base64Url.DecodeFromChars(cookie);
        var lookupId = raw.AsSpan(1, SessionHandle.LookupIdLength);
        var dataKey = raw.AsSpan(1 + SessionHandle.LookupIdLength, SessionHandle.DataKeyLength);
        Assert.False(Contains(dump, lookupId), "The store holds the lookup id.");
        Assert.False(Contains(dump, dataKey), "The store holds the data key.");
        Assert.False(Contains(dump, Encoding.ASCII.GetBytes(Convert.ToHexStringLower(lookupId))), "The store holds the lookup id in hex.");
    }

    /// <summary>Once the store's clock passes the idle timeout, the manager starts a new session.</summary>
    [Fact]
    public async Task Manager_AfterIdleTimeout_StartsNewSession()
    {
        var manager = NewManager(await NewStoreAsync());
        var session = await manager.LoadAsync(null, SessionClientInfo.None);
        session["a"] = 1;
        var cookie = (await manager.CommitAsync(session)).CookieValue;
        Clock.Advance(manager.Options.IdleTimeout + TimeSpan.FromSeconds(1));
        var loaded = await manager.LoadAsync(cookie, SessionClientInfo.None);
        Assert.True(loaded.Verdict is SessionLoadVerdict.NotFound or SessionLoadVerdict.Expired, $"Verdict was {loaded.Verdict}.");
        Assert.Equal(0, loaded.Count);
    }

    private static bool Contains(ReadOnlySpan<byte> haystack, ReadOnlySpan<byte> needle) => haystack.IndexOf(needle) >= 0;

    /// <summary>
    /// The store as capability <typeparamref name="T"/>, or <see langword="null"/> when the subclass declares it
    /// unsupported; fails when the declaration and the store disagree, so a capability is never silently untested.
    /// </summary>
    private static T? Capability<T>(ISessionStore store, bool declared, string declaration)
        where T : class
    {
        var implemented = store as T;
        Assert.True(
            declared == implemented is not null,
            $"{declaration} is {declared}, but the store {(implemented is null ? "does not implement" : "implements")} {typeof(T).Name}.");
        return implemented;
    }
}
