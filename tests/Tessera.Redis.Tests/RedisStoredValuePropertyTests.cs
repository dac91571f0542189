using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using StackExchange.Redis;
using Tessera.Sessions;
using Tessera.StoreTesting;
using Tessera.Testing;

namespace Tessera.Redis.Tests;

/// <summary>
/// Hostile stored values (random bytes, and a real record truncated or with one byte changed): reading never
/// throws, and the C# reader and the Lua scripts agree on what is a live record, so a value that reads as "no
/// session" can be replaced by a new one and a value that reads as a session cannot.
/// </summary>
public sealed class RedisStoredValuePropertyTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2030, 1, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);
    private RedisSessionStore _store = null!;
    private ConnectionMultiplexer _redis = null!;
    private string _prefix = null!;
    private byte[] _valid = null!;

    public async Task InitializeAsync()
    {
        var connection = await SharedServers.RedisAsync();
        _prefix = SharedServers.UniqueName("prop") + ":";
        _store = new RedisSessionStore(new RedisSessionStoreOptions { ConnectionString = connection, KeyPrefix = _prefix }, _clock);
        _redis = await ConnectionMultiplexer.ConnectAsync(connection + ",syncTimeout=15000"); // slow machine: the 1 s default trips
        var key = NewKey();
        await _store.SaveAsync(new SessionRecord(key, 3, RandomNumberGenerator.GetBytes(40), Start.AddMinutes(20), "616c696365", RandomNumberGenerator.GetBytes(12)), 0, default);
        _valid = (byte[])(await _redis.GetDatabase().StringGetAsync(_prefix + "s:" + key))!;
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public Task StoredValue_RandomBytes_ReadAndWriteAgree() =>
        OffThePool(() => Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), ReadAndWriteAgree).QuickCheckThrowOnFailure());

    [Fact]
    public Task StoredValue_RecordTruncated_ReadAndWriteAgree()
    {
        var gen = Gen.Choose(0, _valid.Length - 1).Select(n => _valid[..n]);
        return OffThePool(() => Prop.ForAll(gen.ToArbitrary(), ReadAndWriteAgree).QuickCheckThrowOnFailure());
    }

    [Fact]
    public Task StoredValue_RecordWithOneByteChanged_ReadAndWriteAgree()
    {
        // Mostly the text header, where the scripts and the reader must agree byte for byte.
        var gen = from i in Gen.Choose(0, Math.Min(_valid.Length - 1, 40))
                  from b in Gen.Elements<byte>((byte)'0', (byte)'9', (byte)' ', (byte)'\n', (byte)'-', (byte)'a', (byte)'G', (byte)'\t', 0, 0xff)
                  where _valid[i] != b
                  select Changed(_valid, i, b);
        return OffThePool(() => Prop.ForAll(gen.ToArbitrary(), ReadAndWriteAgree).QuickCheckThrowOnFailure());
    }

    /// <summary>
    /// FsCheck properties are synchronous, so each step blocks on the store's async calls. Blocking a thread-pool
    /// thread can starve the pool that completes the Redis client's tasks (a 5 s store timeout was seen on a busy
    /// 2-core run), so the property runs on a thread of its own.
    /// </summary>
    private static Task OffThePool(Action property) =>
        Task.Factory.StartNew(property, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    private bool ReadAndWriteAgree(byte[] value)
    {
        var key = NewKey();
        // The client's synchronous call, not a wait on its async one: that would hold this thread until a reply
        // that needs another thread to be processed (StackExchange.Redis's SER307).
        _redis.GetDatabase().StringSet(_prefix + "s:" + key, value);
        var loaded = _store.LoadAsync(key, default).AsTask().GetAwaiter().GetResult();
        var save = _store.SaveAsync(new SessionRecord(key, 1, new byte[] { 1 }, Start.AddMinutes(5)), 0, default).AsTask().GetAwaiter().GetResult();
        return loaded is null ? save == SaveResult.Saved : save == SaveResult.Conflict;
    }

    private static byte[] Changed(byte[] value, int index, byte to)
    {
        var copy = (byte[])value.Clone();
        copy[index] = to;
        return copy;
    }

    private static SessionKey NewKey() => SessionKey.FromLookupId(RandomNumberGenerator.GetBytes(16));
}
