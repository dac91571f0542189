using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Tessera.Sessions;
using Tessera.Stores;
using Tessera.Testing;

namespace Tessera.Fleet.Tests;

/// <summary>What the IDistributedCache adapter does beyond the suite: garbage entries, cache errors.</summary>
public sealed class DistributedCacheSessionStoreTests
{
    private readonly FakeTimeProvider _clock = new();

    [Theory]
    [InlineData(new byte[0])]
    [InlineData(new byte[] { 1, 2, 3 })]
    [InlineData(new byte[] { (byte)'T', (byte)'D', (byte)'1', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0, 0, 0, 0, 0 })]
    [InlineData(new byte[] { (byte)'T', (byte)'D', (byte)'1', 0, 0, 0, 0, 0, 0, 0, 1, 0x7f, 0, 0, 0, 0, 0, 0, 1, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 9 })]
    public async Task LoadAsync_GarbageEntry_ReadsAsMissing(byte[] garbage)
    {
        var cache = new MemoryDistributedCache(Options.Create(new MemoryDistributedCacheOptions()));
        var store = new DistributedCacheSessionStore(cache, new DistributedCacheSessionStoreOptions(), _clock);
        var key = SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));
        await cache.SetAsync("tessera:s:" + key, garbage);

        Assert.Null(await store.LoadAsync(key, default));
    }

    [Fact]
    public async Task LoadAsync_CacheThrows_ThrowsSessionStoreExceptionNotNull()
    {
        var store = new DistributedCacheSessionStore(new BrokenCache(), new DistributedCacheSessionStoreOptions(), _clock);

        var error = await Assert.ThrowsAsync<SessionStoreException>(() => store.LoadAsync(SessionKey.FromLookupId([1]), default).AsTask());

        Assert.Equal("distributed-cache", error.StoreName);
        Assert.IsType<InvalidOperationException>(error.InnerException);
    }

    private sealed class BrokenCache : IDistributedCache
    {
        public byte[]? Get(string key) => throw new InvalidOperationException("cache down");

        public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Refresh(string key) => throw new InvalidOperationException("cache down");

        public Task RefreshAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Remove(string key) => throw new InvalidOperationException("cache down");

        public Task RemoveAsync(string key, CancellationToken token = default) => throw new InvalidOperationException("cache down");

        public void Set(string key, byte[] value, DistributedCacheEntryOptions options) => throw new InvalidOperationException("cache down");

        public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) => throw new InvalidOperationException("cache down");
    }
}
