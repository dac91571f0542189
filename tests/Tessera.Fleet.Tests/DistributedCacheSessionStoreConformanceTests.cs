using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Fleet.Tests;

/// <summary>
/// The shared conformance suite, unchanged, for the IDistributedCache adapter over ASP.NET Core's memory cache.
/// It declares no user index, sweeper or statistics (IDistributedCache cannot offer them); its versioning is exact
/// within one process, which is what the suite's concurrency tests exercise.
/// </summary>
public sealed class DistributedCacheSessionStoreConformanceTests : SessionStoreConformanceTests
{
    private readonly Dictionary<ISessionStore, KeyRecordingCache> _caches = [];

    protected override bool SupportsUserIndex => false;

    protected override bool SupportsSweep => false;

    protected override bool SupportsKeyCheck => false;

    protected override bool SupportsStatistics => false;

    protected override Task<ISessionStore> CreateStoreAsync(TimeProvider timeProvider)
    {
        var cache = new KeyRecordingCache();
        var store = new DistributedCacheSessionStore(cache, new DistributedCacheSessionStoreOptions(), timeProvider);
        _caches[store] = cache;
        return Task.FromResult<ISessionStore>(store);
    }

    protected override async Task<byte[]> DumpAsync(ISessionStore store)
    {
        var cache = _caches[store];
        using var dump = new MemoryStream();
        foreach (var key in cache.Keys)
        {
            dump.Write(System.Text.Encoding.UTF8.GetBytes(key));
            dump.Write(await cache.GetAsync(key) ?? []);
        }

        return dump.ToArray();
    }

    /// <summary>The memory cache cannot list its keys; this wrapper remembers the keys written, for the dump.</summary>
    private sealed class KeyRecordingCache : IDistributedCache
    {
        private readonly MemoryDistributedCache _inner = new(Options.Create(new MemoryDistributedCacheOptions()));
        private readonly ConcurrentDictionary<string, bool> _keys = new();

        public IEnumerable<string> Keys => _keys.Keys;

        public byte[]? Get(string key) => _inner.Get(key);

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => _inner.GetAsync(key, token);

        public void Refresh(string key) => _inner.Refresh(key);

        public Task RefreshAsync(string key, CancellationToken token = default) => _inner.RefreshAsync(key, token);

        public void Remove(string key) => _inner.Remove(key);

        public Task RemoveAsync(string key, CancellationToken token = default) => _inner.RemoveAsync(key, token);

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
        {
            _keys[key] = true;
            _inner.Set(key, value, options);
        }

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
        {
            _keys[key] = true;
            return _inner.SetAsync(key, value, options, token);
        }
    }
}
