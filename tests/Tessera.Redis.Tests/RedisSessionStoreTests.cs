using Tessera.TestSupport;
using System.Security.Cryptography;
using StackExchange.Redis;
using Tessera.Redis;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.Redis.Tests;

/// <summary>What only the Redis store does: TTLs, the Lua compare-and-set, index sets, garbage values, failures.</summary>
public sealed class RedisSessionStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public async Task SaveAsync_SetsKeyTtlToExpiryPlusMargin()
    {
        var (store, prefix, redis) = await NewStoreAsync();
        await using var _ = store;
        using var __ = redis;
        var key = Key();

        await store.SaveAsync(Record(key, 1, expires: Start.AddMinutes(20), tag: "alice"), 0, default);

        var ttl = await redis.GetDatabase().KeyTimeToLiveAsync(prefix + "s:" + key);
        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromMinutes(20), TimeSpan.FromMinutes(20) + TimeSpan.FromSeconds(5));
        var indexTtl = await redis.GetDatabase().KeyTimeToLiveAsync(prefix + "i:" + Convert.ToHexStringLower("alice"u8));
        Assert.NotNull(indexTtl);
        Assert.InRange(indexTtl.Value, TimeSpan.FromMinutes(19), TimeSpan.FromMinutes(21));
    }

    [Fact]
    public async Task SaveAsync_ManyRacersOnOneVersion_ExactlyOneWins()
    {
        var (store, _, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var key = Key();
        await store.SaveAsync(Record(key, 1), 0, default);

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => store.SaveAsync(Record(key, 2, data: [(byte)i]), 1, default).AsTask()));

        Assert.Single(results, r => r == SaveResult.Saved);
        Assert.Equal(2, (await store.LoadAsync(key, default))!.Version);
    }

    [Fact]
    public async Task SaveAsync_ExpiredRecordWithExpectedZero_Overwrites()
    {
        var (store, _, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var key = Key();
        await store.SaveAsync(Record(key, 7, expires: Start.AddMinutes(1)), 0, default);
        _clock.Advance(TimeSpan.FromMinutes(2));

        Assert.Null(await store.LoadAsync(key, default));
        Assert.Equal(SaveResult.Conflict, await store.SaveAsync(Record(key, 8, expires: Start.AddMinutes(30)), 7, default));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 1, expires: Start.AddMinutes(30)), 0, default));
    }

    [Fact]
    public async Task LoadAsync_RoundTrip_KeepsEveryFieldExactly()
    {
        var (store, _, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var key = Key();
        var expires = Start.AddTicks(123_456_789);

        await store.SaveAsync(Record(key, 5, expires: expires, data: [1, 2, 3, 10, 0], tag: "üser tag", listing: [9, 8]), 0, default);
        var loaded = await store.LoadAsync(key, default);

        Assert.NotNull(loaded);
        Assert.Equal(5, loaded.Version);
        Assert.Equal(expires, loaded.ExpiresAt);
        Assert.Equal([1, 2, 3, 10, 0], loaded.Data.ToArray());
        Assert.Equal("üser tag", loaded.UserTag);
        Assert.Equal([9, 8], loaded.Listing.ToArray());
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("")]
    [InlineData("T1 x y z\n")]
    [InlineData("T1 1 0000000000000000001 -\n")]
    [InlineData("T1 1 9999999999999999999 -\n\u0000\u0000\u0000\u0009abc")]
    [InlineData("T1 1 6000000000000000000 zz\n\u0000\u0000\u0000\u0000abc")]
    public async Task LoadAsync_GarbageValue_ReadsAsMissing(string garbage)
    {
        var (store, prefix, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var key = Key();
        await redis.GetDatabase().StringSetAsync(prefix + "s:" + key, garbage);

        Assert.Null(await store.LoadAsync(key, default));
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 1), 0, default));
    }

    [Fact]
    public async Task SweepAsync_ExpiredAndGarbage_DeletesThemPrunesIndexAndLeavesOtherTypes()
    {
        var (store, prefix, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        for (var i = 0; i < 30; i++)
        {
            await store.SaveAsync(Record(Key(), 1, expires: Start.AddMinutes(i < 25 ? 1 : 60), tag: "bob"), 0, default);
        }

        await redis.GetDatabase().StringSetAsync(prefix + "s:" + Key(), "garbage");
        var foreign = prefix + "s:" + Key();
        await redis.GetDatabase().HashSetAsync(foreign, "not", "a record"); // another type under the prefix: left alone
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(new SessionStoreStatistics(5, 26), await store.GetStatisticsAsync(default));
        Assert.Equal(26, await store.SweepAsync(default));
        Assert.Equal(new SessionStoreStatistics(5, 0), await store.GetStatisticsAsync(default));
        Assert.Equal(5, await redis.GetDatabase().SortedSetLengthAsync(prefix + "i:" + Convert.ToHexStringLower("bob"u8)));
        Assert.True(await redis.GetDatabase().KeyExistsAsync(foreign));
    }

    [Fact]
    public async Task DeleteByUserAsync_KeepsExceptAndOtherUsers()
    {
        var (store, _, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var keep = Key();
        await store.SaveAsync(Record(keep, 1, tag: "carol"), 0, default);
        await store.SaveAsync(Record(Key(), 1, tag: "carol"), 0, default);
        await store.SaveAsync(Record(Key(), 1, tag: "carol"), 0, default);
        var other = Key();
        await store.SaveAsync(Record(other, 1, tag: "dave"), 0, default);

        Assert.Equal(2, await store.DeleteByUserAsync("carol", keep, default));
        Assert.Equal([keep], (await store.ListByUserAsync("carol", default)).Select(r => r.Key));
        Assert.NotNull(await store.LoadAsync(other, default));
    }

    [Fact]
    public async Task ListByUserAsync_Layout1IndexSet_StillListedAndRevoked()
    {
        // Layout 1 indexed users in a plain set under {prefix}u:; such sets are read until they expire.
        var (store, prefix, redis) = await NewStoreAsync();
        await using var _s = store;
        using var _r = redis;
        var tag = Convert.ToHexStringLower("hank"u8);
        var (old, kept) = (Key(), Key());
        await store.SaveAsync(Record(old, 1, tag: "hank"), 0, default);
        await store.SaveAsync(Record(kept, 1, tag: "hank"), 0, default);
        await redis.GetDatabase().KeyDeleteAsync(prefix + "i:" + tag);
        await redis.GetDatabase().SetAddAsync(prefix + "u:" + tag, [old.ToString(), kept.ToString()]);

        Assert.Equal([kept, old], (await store.ListByUserAsync("hank", default)).Select(r => r.Key).OrderBy(k => k == old));
        Assert.Equal(1, await store.DeleteByUserAsync("hank", kept, default));
        Assert.Null(await store.LoadAsync(old, default));
        Assert.Equal([kept.ToString()], (await redis.GetDatabase().SetMembersAsync(prefix + "u:" + tag)).Select(m => (string)m!));
    }

    [Fact]
    public async Task LoadAsync_NothingListening_ThrowsSessionStoreExceptionNotNull()
    {
        await using var store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = $"127.0.0.1:{LoopbackPort.Free()},connectTimeout=500", OperationTimeout = TimeSpan.FromSeconds(1) }, _clock);

        var error = await Assert.ThrowsAsync<SessionStoreException>(() => store.LoadAsync(Key(), default).AsTask());

        Assert.Equal("redis", error.StoreName);
        Assert.NotNull(error.InnerException);
    }

    [Fact]
    public async Task LoadAsync_ServerRestartedWithoutPersistence_FailsWhileDownThenReadsMissing()
    {
        using var server = await TestServer.StartRedisAsync();
        await using var store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = server.ConnectionString, OperationTimeout = TimeSpan.FromSeconds(2) }, _clock);
        var key = Key();
        await store.SaveAsync(Record(key, 1), 0, default);

        await server.StopAsync(keep: true);
        await Assert.ThrowsAsync<SessionStoreException>(() => store.LoadAsync(key, default).AsTask());
        await server.RestartAsync();

        // The multiplexer reconnects by itself; until it has, reads fail (never a false "missing").
        SessionRecord? loaded = null;
        var reconnected = false;
        for (var i = 0; i < 100 && !reconnected; i++)
        {
            try
            {
                loaded = await store.LoadAsync(key, default);
                reconnected = true;
            }
            catch (SessionStoreException)
            {
                await Task.Delay(100);
            }
        }

        Assert.True(reconnected, "the store did not reconnect within 10 s");
        Assert.Null(loaded);
        Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, 1), 0, default));
        Assert.NotNull(await store.LoadAsync(key, default));
    }

    [Theory]
    [InlineData("")]
    [InlineData(",password=x")]
    public void Constructor_BadConnectionString_ThrowsSayingWhatToChange(string connection)
    {
        var error = Assert.ThrowsAny<ArgumentException>(() => new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = connection }, _clock));

        Assert.Contains("host:port", error.Message);
    }

    [Fact]
    public void ParseConfiguration_PasswordAndSsl_AreKeptAndAbortConnectIsOff()
    {
        var configuration = RedisSessionStore.ParseConfiguration("cache.example:6380,password=s3cret,ssl=true");

        Assert.Equal("s3cret", configuration.Password);
        Assert.True(configuration.Ssl);
        Assert.False(configuration.AbortOnConnectFail);
    }

    private async Task<(RedisSessionStore Store, string Prefix, ConnectionMultiplexer Redis)> NewStoreAsync()
    {
        var connection = await SharedServers.RedisAsync();
        var prefix = SharedServers.UniqueName("t") + ":";
        var store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = connection, KeyPrefix = prefix }, _clock);
        var redis = await ConnectionMultiplexer.ConnectAsync(connection + ",syncTimeout=15000");
        return (store, prefix, redis);
    }

    private static SessionKey Key() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));

    private static SessionRecord Record(SessionKey key, long version, DateTimeOffset? expires = null, byte[]? data = null, string? tag = null, byte[]? listing = null) =>
        new(key, version, data ?? [1], expires ?? Start.AddMinutes(20), tag, listing ?? default(ReadOnlyMemory<byte>));
}
