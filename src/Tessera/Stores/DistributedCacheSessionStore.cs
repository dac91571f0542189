using System.Buffers.Binary;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// A session store over any <see cref="IDistributedCache"/> (Redis, SQL Server, NCache, memory...), for
/// applications that already have a cache provider and do not want Tessera's own store packages.
/// </summary>
/// <remarks>
/// <para>What this adapter cannot do, because <see cref="IDistributedCache"/> has only get, set and remove:</para>
/// <list type="bullet">
/// <item>Atomic versioning across servers. A save reads the entry, compares its version and writes: a
/// best-effort read-compare-write. Within one process saves of one key are serialized, so the check is exact
/// there; two servers saving the same session at the same moment can both succeed, and the later write wins
/// (a lost update the Tessera PostgreSQL and Redis stores rule out).</item>
/// <item>No user index (<see cref="IUserSessionIndex"/>): "list my sessions" and "sign out everywhere" are not
/// available; a password change cannot revoke other sessions by listing them.</item>
/// <item>No sweeping or statistics: expiry is the cache's own (each entry's absolute expiration is the record's
/// expiry plus <see cref="DistributedCacheSessionStoreOptions.ExpiryMargin"/>).</item>
/// </list>
/// <para>Unlike ASP.NET Core's own <c>DistributedSession</c>, cache errors are not swallowed: each becomes a
/// <see cref="SessionStoreException"/> and the request fails closed.</para>
/// </remarks>
public sealed class DistributedCacheSessionStore : ISessionStore, ISessionStoreProbe
{
    // Entry layout, version 1:
    // "TD1" | version: int64 BE | expires-at: UTC ticks int64 BE | tag length: int32 BE (-1 = anonymous) | tag UTF-8
    // | listing length: int32 BE | listing | data (the rest)
    private static readonly byte[] Magic = "TD1"u8.ToArray();
    private const int FixedLength = 3 + 8 + 8 + 4 + 4;

    private readonly IDistributedCache _cache;
    private readonly DistributedCacheSessionStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim[] _stripes = [.. Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1))];

    /// <summary>Creates the adapter over <paramref name="cache"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public DistributedCacheSessionStore(IDistributedCache cache, DistributedCacheSessionStoreOptions options, TimeProvider timeProvider, ILogger<DistributedCacheSessionStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate();
        _cache = cache;
        _options = options;
        _time = timeProvider;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Reads one fixed key of the cache (absent or not): a round trip, whatever the cache holds.</summary>
    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken) =>
        await RunAsync("probe", () => _cache.GetAsync(_options.KeyPrefix + "probe", cancellationToken), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var value = await RunAsync("load", () => _cache.GetAsync(CacheKey(key), cancellationToken), cancellationToken).ConfigureAwait(false);
        return value is null ? null : Live(Decode(key, value));
    }

    /// <inheritdoc />
    /// <remarks>Best effort across processes: see the class remarks.</remarks>
    public async ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var stripe = _stripes[(uint)record.Key.GetHashCode() % _stripes.Length];
        await stripe.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var current = await LoadAsync(record.Key, cancellationToken).ConfigureAwait(false);
            if ((current?.Version ?? 0) != expectedVersion)
            {
                return SaveResult.Conflict;
            }

            var ttl = record.ExpiresAt - _time.GetUtcNow();
            var entry = new DistributedCacheEntryOptions
            {
                AbsoluteExpirationRelativeToNow = (ttl > TimeSpan.Zero ? ttl : TimeSpan.Zero) + _options.ExpiryMargin + TimeSpan.FromMilliseconds(1),
            };
            await RunAsync("save", async () =>
            {
                await _cache.SetAsync(CacheKey(record.Key), Encode(record), entry, cancellationToken).ConfigureAwait(false);
                return true;
            }, cancellationToken).ConfigureAwait(false);
            return SaveResult.Saved;
        }
        finally
        {
            stripe.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        await RunAsync("delete", async () =>
        {
            await _cache.RemoveAsync(CacheKey(key), cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);

    private string CacheKey(SessionKey key) => _options.KeyPrefix + key.ToString();

    private SessionRecord? Live(SessionRecord? record) => record is not null && record.ExpiresAt > _time.GetUtcNow() ? record : null;

    private async Task<T> RunAsync<T>(string operation, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        try
        {
            return await work().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            StoreLog.OperationFailed(_logger, e, operation);
            throw new SessionStoreException(Name, operation + " failed", e);
        }
    }

    private static byte[] Encode(SessionRecord record)
    {
        var tag = record.UserTag is null ? null : Encoding.UTF8.GetBytes(record.UserTag);
        var value = new byte[FixedLength + (tag?.Length ?? 0) + record.Listing.Length + record.Data.Length];
        var span = value.AsSpan();
        Magic.CopyTo(span);
        BinaryPrimitives.WriteInt64BigEndian(span[3..], record.Version);
        BinaryPrimitives.WriteInt64BigEndian(span[11..], record.ExpiresAt.UtcTicks);
        BinaryPrimitives.WriteInt32BigEndian(span[19..], tag?.Length ?? -1);
        var at = 23;
        tag?.CopyTo(span[at..]);
        at += tag?.Length ?? 0;
        BinaryPrimitives.WriteInt32BigEndian(span[at..], record.Listing.Length);
        at += 4;
        record.Listing.Span.CopyTo(span[at..]);
        at += record.Listing.Length;
        record.Data.Span.CopyTo(span[at..]);
        return value;
    }

    private SessionRecord? Decode(SessionKey key, byte[] value)
    {
        var record = TryDecode(key, value, out var reason);
        if (record is null)
        {
            StoreLog.UnreadableEntry(_logger, key.Fingerprint, reason);
        }

        return record;
    }

    private static SessionRecord? TryDecode(SessionKey key, ReadOnlySpan<byte> value, out string reason)
    {
        reason = "";
        if (value.Length < FixedLength || !value.StartsWith(Magic))
        {
            reason = "not a Tessera entry";
            return null;
        }

        var version = BinaryPrimitives.ReadInt64BigEndian(value[3..]);
        var ticks = BinaryPrimitives.ReadInt64BigEndian(value[11..]);
        var tagLength = BinaryPrimitives.ReadInt32BigEndian(value[19..]);
        if (version < 0 || ticks < 0 || ticks > DateTimeOffset.MaxValue.UtcTicks || tagLength < -1 || tagLength > value.Length - FixedLength)
        {
            reason = "malformed header";
            return null;
        }

        var at = 23;
        string? tag = null;
        if (tagLength >= 0)
        {
            tag = Encoding.UTF8.GetString(value.Slice(at, tagLength));
            at += tagLength;
        }

        var listingLength = BinaryPrimitives.ReadInt32BigEndian(value[at..]);
        at += 4;
        if (listingLength < 0 || listingLength > value.Length - at)
        {
            reason = "bad listing length";
            return null;
        }

        var listing = value.Slice(at, listingLength).ToArray();
        var data = value[(at + listingLength)..].ToArray();
        return new SessionRecord(key, version, data, new DateTimeOffset(ticks, TimeSpan.Zero), tag, listingLength == 0 ? default : listing);
    }
}
