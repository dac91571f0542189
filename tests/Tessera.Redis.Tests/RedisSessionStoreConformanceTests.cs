using StackExchange.Redis;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.Redis.Tests;

/// <summary>The shared store conformance suite, unchanged, against a real redis-server (a fresh key prefix per store).</summary>
public sealed class RedisSessionStoreConformanceTests : SessionStoreConformanceTests
{
    private readonly Dictionary<ISessionStore, string> _prefixes = [];

    protected override async Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var prefix = SharedServers.UniqueName("conf") + ":";
        var store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = await SharedServers.RedisAsync(), KeyPrefix = prefix }, timeProvider);
        _prefixes[store] = prefix;
        return store;
    }

    protected override async Task<byte[]> DumpAsync(ISessionStore store)
    {
        // Every key under the store's prefix, and every byte of each value (strings and index sets).
        using var redis = await ConnectionMultiplexer.ConnectAsync(await SharedServers.RedisAsync() + ",syncTimeout=15000");
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var database = redis.GetDatabase();
        using var dump = new MemoryStream();
        foreach (var key in server.Keys(pattern: _prefixes[store] + "*"))
        {
            dump.Write(System.Text.Encoding.UTF8.GetBytes((string)key!));
            if (await database.KeyTypeAsync(key) == RedisType.Set)
            {
                foreach (var member in await database.SetMembersAsync(key))
                {
                    dump.Write((byte[])member!);
                }
            }
            else
            {
                dump.Write((byte[])(await database.StringGetAsync(key))!);
            }
        }

        return dump.ToArray();
    }
}
