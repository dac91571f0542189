using System.Security.Cryptography;
using StackExchange.Redis;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.Redis.Tests.Cluster;

/// <summary>What a cluster changes: one user's sessions spread over every master, yet listed, revoked, swept and counted whole.</summary>
public sealed class RedisClusterStoreTests
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public async Task DeleteByUserAsync_SessionsOnEveryMaster_ListsAndRevokesThemAll()
    {
        var (store, prefix, connection) = await NewStoreAsync();
        await using var _ = store;
        var keys = Enumerable.Range(0, 30).Select(_ => Key()).ToList();
        foreach (var key in keys)
        {
            Assert.Equal(SaveResult.Saved, await store.SaveAsync(Record(key, "erin"), 0, default));
        }

        await store.SaveAsync(Record(Key(), "frank"), 0, default);
        Assert.Equal(3, await MastersHoldingAsync(connection, prefix, keys));

        Assert.Equal(keys.Select(k => k.ToString()).Order(), (await store.ListByUserAsync("erin", default)).Select(r => r.Key.ToString()).Order());
        Assert.Equal(29, await store.DeleteByUserAsync("erin", keys[0], default));
        Assert.Equal([keys[0]], (await store.ListByUserAsync("erin", default)).Select(r => r.Key));
        Assert.Null(await store.LoadAsync(keys[1], default));
        Assert.Single(await store.ListByUserAsync("frank", default));
    }

    [Fact]
    public async Task SweepAsync_ExpiredRecordsOnEveryMaster_SweepsAndCountsEachMaster()
    {
        var (store, prefix, connection) = await NewStoreAsync();
        await using var _ = store;
        var expiring = Enumerable.Range(0, 24).Select(_ => Key()).ToList();
        foreach (var key in expiring)
        {
            await store.SaveAsync(Record(key, "gina", Start.AddMinutes(1)), 0, default);
        }

        for (var i = 0; i < 6; i++)
        {
            await store.SaveAsync(Record(Key(), "gina"), 0, default);
        }

        Assert.Equal(3, await MastersHoldingAsync(connection, prefix, expiring));
        _clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(new SessionStoreStatistics(6, 24), await store.GetStatisticsAsync(default));
        Assert.Equal(24, await store.SweepAsync(default));
        Assert.Equal(new SessionStoreStatistics(6, 0), await store.GetStatisticsAsync(default));
        using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        Assert.Equal(6, await redis.GetDatabase().SortedSetLengthAsync(prefix + "i:" + Convert.ToHexStringLower("gina"u8)));
    }

    private async Task<(RedisSessionStore Store, string Prefix, string Connection)> NewStoreAsync()
    {
        var connection = await SharedCluster.ConnectionAsync();
        var prefix = SharedServers.UniqueName("ct") + ":";
        return (new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = connection, KeyPrefix = prefix, ScanBatchSize = 10 }, _clock), prefix, connection);
    }

    /// <summary>On how many masters the records of <paramref name="keys"/> live.</summary>
    private static async Task<int> MastersHoldingAsync(string connection, string prefix, IEnumerable<SessionKey> keys)
    {
        using var redis = await ConnectionMultiplexer.ConnectAsync(connection);
        var endpoints = await Task.WhenAll(keys.Select(k => redis.GetDatabase().IdentifyEndpointAsync(prefix + "s:" + k)));
        return endpoints.Select(e => e!.ToString()).Distinct().Count();
    }

    private static SessionKey Key() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));

    private static SessionRecord Record(SessionKey key, string tag, DateTimeOffset? expires = null) =>
        new(key, 1, new byte[] { 1 }, expires ?? Start.AddMinutes(20), tag);
}
