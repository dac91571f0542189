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

    protected override async Task<byte[]> DumpAsync(ISessionStore store) => await RedisDump.AllAsync(await SharedServers.RedisAsync(), _prefixes[store]);
}
