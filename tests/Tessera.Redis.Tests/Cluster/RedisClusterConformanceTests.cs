using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.Redis.Tests.Cluster;

/// <summary>The shared store conformance suite, unchanged, against a Redis Cluster of 3 masters + 3 replicas: the
/// connection string is just the nodes' endpoints.</summary>
public sealed class RedisClusterConformanceTests : SessionStoreConformanceTests
{
    private readonly Dictionary<ISessionStore, string> _prefixes = [];

    protected override async Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var prefix = SharedServers.UniqueName("cconf") + ":";
        var store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = await SharedCluster.ConnectionAsync(), KeyPrefix = prefix }, timeProvider);
        _prefixes[store] = prefix;
        return store;
    }

    protected override async Task<byte[]> DumpAsync(ISessionStore store) => await RedisDump.AllAsync(await SharedCluster.ConnectionAsync(), _prefixes[store]);
}
