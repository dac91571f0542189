using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Tessera.Sessions;

namespace Tessera.Redis;

/// <summary>
/// A session store in Redis or Redis Cluster. Expiry is Redis's own (each key's time-to-live is the record's expiry,
/// plus <see cref="RedisSessionStoreOptions.ExpiryMargin"/>); the version check runs in a Lua script inside the
/// server, so two servers racing on one session cannot both win; a user's sessions are indexed in a sorted set scored
/// by expiry that lives as long as the longest of them.
/// </summary>
/// <remarks>
/// Every script touches one key, so the store runs unchanged on a cluster. A record and its user's index are
/// different keys (on a cluster, different slots and nodes): a save adds the index entry first and then writes the
/// record, so an index may name a record that is gone (listings skip it, expiry prunes it) but never misses a live
/// one. Every failure (connection down, timeout, server error, failover in progress) becomes a
/// <see cref="SessionStoreException"/>.
/// </remarks>
public sealed class RedisSessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck, ISessionStoreProbe, IAsyncDisposable, IDisposable
{
    private readonly RedisSessionStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConfigurationOptions? _configuration;
    private readonly Lock _connectGate = new();
    private Task<IConnectionMultiplexer>? _connection;
    private readonly bool _ownsConnection;
    private readonly string _recordPrefix;
    private readonly string _indexPrefix;
    private readonly string _legacyIndexPrefix;
    private readonly string _keyCheckKey;

    /// <summary>Creates a store that connects (lazily, on first use) with <see cref="RedisSessionStoreOptions.ConnectionString"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisSessionStore(RedisSessionStoreOptions options, TimeProvider timeProvider, ILogger<RedisSessionStore>? logger = null)
        : this(options, timeProvider, logger, null)
    {
    }

    /// <summary>Creates a store over a multiplexer the caller owns (and disposes); <see cref="RedisSessionStoreOptions.ConnectionString"/> is ignored.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public RedisSessionStore(IConnectionMultiplexer connection, RedisSessionStoreOptions options, TimeProvider timeProvider, ILogger<RedisSessionStore>? logger = null)
        : this(options, timeProvider, logger, connection ?? throw new ArgumentNullException(nameof(connection)))
    {
    }

    private RedisSessionStore(RedisSessionStoreOptions options, TimeProvider timeProvider, ILogger? logger, IConnectionMultiplexer? connection)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate(requireConnectionString: connection is null);
        _options = options;
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _recordPrefix = options.KeyPrefix + "s:";
        _indexPrefix = options.KeyPrefix + "i:";
        _legacyIndexPrefix = options.KeyPrefix + "u:";
        _keyCheckKey = options.KeyPrefix + "keycheck";
        _ownsConnection = connection is null;
        if (connection is null)
        {
            _configuration = ParseConfiguration(options.ConnectionString!);
            _configuration.ReconnectRetryPolicy = new LinearRetry((int)options.ReconnectInterval.TotalMilliseconds);
        }
        else
        {
            _connection = Task.FromResult(connection);
        }
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Parses <c>host:port[,password=...][,ssl=true]</c>, forcing <c>abortConnect=false</c>; throws on a bad string.</summary>
    /// <exception cref="ArgumentException">The connection string cannot be parsed.</exception>
    public static ConfigurationOptions ParseConfiguration(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        ConfigurationOptions configuration;
        try
        {
            configuration = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The Redis connection string cannot be parsed ({e.Message}); expected host:port[,password=...][,ssl=true].", nameof(connectionString), e);
        }

        if (configuration.EndPoints.Count == 0)
        {
            throw new ArgumentException("The Redis connection string names no endpoint; expected host:port[,password=...][,ssl=true].", nameof(connectionString));
        }

        // Start while Redis is down and keep reconnecting: a failed request is a 503, not a dead process.
        configuration.AbortOnConnectFail = false;
        return configuration;
    }

    /// <inheritdoc />
    public async ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        var value = await RunAsync("load", db => db.StringGetAsync(RecordKey(key)), cancellationToken).ConfigureAwait(false);
        return value.IsNull ? null : Live(Decode(key, value!));
    }

    /// <inheritdoc />
    public async ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        var now = _time.GetUtcNow();
        var ttl = (long)Math.Ceiling(Math.Max(0, (record.ExpiresAt - now).TotalMilliseconds) + _options.ExpiryMargin.TotalMilliseconds);
        ttl = Math.Max(ttl, 1);
        var key = record.Key.ToString();
        if (record.UserTag is not null)
        {
            // The index entry first: if the record write then fails or loses the race, the entry only names a record
            // that is not there (skipped, and pruned at its score); the other order could leave a live record unlisted.
            RedisValue[] indexArgs = [UnixMilliseconds(record.ExpiresAt, ceiling: true), key, ttl, UnixMilliseconds(now, ceiling: false)];
            await RunAsync("save", db => db.ScriptEvaluateAsync(RedisScripts.IndexAdd, [IndexKey(record.UserTag)], indexArgs), cancellationToken).ConfigureAwait(false);
        }

        RedisValue[] args = [expectedVersion.ToString(CultureInfo.InvariantCulture), RedisRecordFormat.Ticks(now), RedisRecordFormat.Encode(record), ttl];
        var result = await RunAsync("save", db => db.ScriptEvaluateAsync(RedisScripts.Save, [RecordKey(record.Key)], args), cancellationToken).ConfigureAwait(false);
        return (int)result == 1 ? SaveResult.Saved : SaveResult.Conflict;
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        await RunAsync("delete", async db =>
        {
            var tag = await db.ScriptEvaluateAsync(RedisScripts.Delete, [RecordKey(key)]).ConfigureAwait(false);
            if (!tag.IsNull && (string?)tag is { } tagHex)
            {
                // The record is gone already; the index entries only save later listings a lookup.
                RedisValue member = key.ToString();
                await Task.WhenAll(
                    db.SortedSetRemoveAsync(_indexPrefix + tagHex, member),
                    db.SetRemoveAsync(_legacyIndexPrefix + tagHex, member)).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        return await RunAsync("list by user", async db =>
        {
            var keys = await IndexMembersAsync(db, userTag, liveOnly: true).ConfigureAwait(false);
            // One GET per record: on a cluster they live on different nodes, so no multi-key MGET.
            var values = await Task.WhenAll(keys.Select(k => db.StringGetAsync(RecordKey(k)))).ConfigureAwait(false);
            var records = new List<SessionRecord>(keys.Count);
            for (var i = 0; i < keys.Count; i++)
            {
                // The index may name records that expired, were deleted or changed hands; those are skipped.
                if (!values[i].IsNull && Live(Decode(keys[i], values[i]!)) is { } record && record.UserTag == userTag)
                {
                    records.Add(record);
                }
            }

            return (IReadOnlyList<SessionRecord>)records;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>Each record is deleted atomically (only while it still belongs to the user); the whole is not one
    /// transaction: a session the user creates while this runs may survive it, as it would have had it come a moment later.</remarks>
    public async ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        var tagHex = RedisRecordFormat.TagHex(userTag);
        RedisValue now = RedisRecordFormat.Ticks(_time.GetUtcNow());
        return await RunAsync("delete by user", async db =>
        {
            var keys = (await IndexMembersAsync(db, userTag, liveOnly: false).ConfigureAwait(false)).Where(k => k != except).ToList();
            var results = await Task.WhenAll(keys.Select(k => db.ScriptEvaluateAsync(RedisScripts.DeleteOwned, [RecordKey(k)], [tagHex, now]))).ConfigureAwait(false);
            // Entries whose record was absent stay until their score passes: that record may be a save still on its way.
            var stale = keys.Where((_, i) => (int)results[i] != 0).Select(k => (RedisValue)k.ToString()).ToArray();
            if (stale.Length > 0)
            {
                await Task.WhenAll(db.SortedSetRemoveAsync(_indexPrefix + tagHex, stale), db.SetRemoveAsync(_legacyIndexPrefix + tagHex, stale)).ConfigureAwait(false);
            }

            return results.Count(r => (int)r == 1);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Always: records carry Redis TTLs; a sweep only tidies what Redis drops by itself a little later.</summary>
    public bool ExpiresNatively => true;

    /// <inheritdoc />
    /// <remarks>
    /// Not needed for correctness: Redis drops each record at its expiry plus the margin, and each user index prunes
    /// itself on the user's next save and expires with its longest session. A sweep deletes records already expired
    /// by the application's clock but inside the margin, and values this store cannot read, and prunes the index
    /// entries of expired sessions. It walks every primary (every cluster master) with SCAN, one batch of
    /// <see cref="RedisSessionStoreOptions.ScanBatchSize"/> keys at a time, each key a short command of its own, so live
    /// requests wait at most behind one batch.
    /// </remarks>
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        long swept = 0, pruned = 0;
        var now = _time.GetUtcNow();
        RedisValue nowTicks = RedisRecordFormat.Ticks(now);
        await ScanAsync("sweep", _recordPrefix, async (db, keys) =>
        {
            var heads = await ReadHeadsAsync(db, keys).ConfigureAwait(false);
            var dead = keys.Where((_, i) => heads[i] is { } head && !IsLive(head, now)).ToArray();
            var results = await Task.WhenAll(dead.Select(k => db.ScriptEvaluateAsync(RedisScripts.DeleteIfDead, [k], [nowTicks]))).ConfigureAwait(false);
            swept += results.Count(r => (int)r == 1);
        }, cancellationToken).ConfigureAwait(false);
        var nowMs = UnixMilliseconds(now, ceiling: false);
        await ScanAsync("sweep", _indexPrefix, async (db, keys) =>
        {
            var removed = await Task.WhenAll(keys.Select(k => db.SortedSetRemoveRangeByScoreAsync(k, double.NegativeInfinity, nowMs))).ConfigureAwait(false);
            pruned += removed.Sum();
        }, cancellationToken).ConfigureAwait(false);
        Log.Swept(_logger, (int)swept, pruned);
        return (int)swept;
    }

    /// <inheritdoc />
    /// <remarks>An operator's operation (<c>tessera store stats</c>): SCAN over every primary, reading only the first bytes of
    /// each record, in batches like <see cref="SweepAsync"/>; O(number of keys), never one long command.</remarks>
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        long live = 0, expired = 0;
        var now = _time.GetUtcNow();
        await ScanAsync("count", _recordPrefix, async (db, keys) =>
        {
            foreach (var head in await ReadHeadsAsync(db, keys).ConfigureAwait(false))
            {
                if (head is null)
                {
                    continue;
                }

                if (IsLive(head, now))
                {
                    live++;
                }
                else
                {
                    expired++;
                }
            }
        }, cancellationToken).ConfigureAwait(false);
        return new SessionStoreStatistics(live, expired);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsConnection && _connection is { IsCompletedSuccessfully: true })
        {
            await _connection.Result.CloseAsync(allowCommandsToComplete: true).ConfigureAwait(false);
            _connection.Result.Dispose();
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsConnection && _connection is { IsCompletedSuccessfully: true })
        {
            _connection.Result.Dispose();
        }
    }

    /// <summary>The multiplexer, connecting on first use; a failed connect is tried again by the next call, not cached.</summary>
    private Task<IConnectionMultiplexer> ConnectionAsync()
    {
        lock (_connectGate)
        {
            if (_connection is null || _connection.IsFaulted)
            {
                _connection = ConnectAsync(_configuration!);
            }

            return _connection;
        }
    }

    private static async Task<IConnectionMultiplexer> ConnectAsync(ConfigurationOptions configuration) =>
        await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);

    /// <summary>Runs <paramref name="batch"/> on every page of keys starting with <paramref name="prefix"/>, on every primary;
    /// each page (one SCAN and its batch) is bounded by <see cref="RedisSessionStoreOptions.OperationTimeout"/>.</summary>
    private async Task ScanAsync(string operation, string prefix, Func<IDatabase, RedisKey[], Task> batch, CancellationToken cancellationToken)
    {
        var primaries = await RunAsync(operation, async (connection, db) =>
        {
            // A ping waits for the connection like any command (bounded by OperationTimeout) before the topology is read.
            await db.PingAsync().ConfigureAwait(false);
            return Primaries(connection);
        }, cancellationToken).ConfigureAwait(false);
        var pattern = EscapeGlob(prefix) + "*";
        foreach (var primary in primaries)
        {
            var keys = primary.KeysAsync(_options.Database, pattern, _options.ScanBatchSize).GetAsyncEnumerator(cancellationToken);
            await using var _ = keys.ConfigureAwait(false);
            var done = false;
            while (!done)
            {
                done = await RunAsync(operation, async (_, db) =>
                {
                    var page = new List<RedisKey>(_options.ScanBatchSize);
                    var more = true;
                    while (page.Count < _options.ScanBatchSize && (more = await keys.MoveNextAsync().ConfigureAwait(false)))
                    {
                        page.Add(keys.Current);
                    }

                    if (page.Count > 0)
                    {
                        await batch(db, [.. page]).ConfigureAwait(false);
                    }

                    return !more;
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The servers that hold the data: the primary, or every master of a cluster (failing when a master that
    /// serves slots is unreachable or slots are unserved, since a scan would then silently miss keys).</summary>
    private static IServer[] Primaries(IConnectionMultiplexer connection)
    {
        var servers = connection.GetServers();
        var any = servers.FirstOrDefault(s => s.IsConnected) ?? throw new InvalidOperationException("No Redis server is connected.");
        if (any.ServerType != ServerType.Cluster)
        {
            var primaries = servers.Where(s => s.IsConnected && !s.IsReplica).ToArray();
            return primaries.Length > 0 ? primaries : throw new InvalidOperationException("No Redis primary is connected.");
        }

        // The client's view of the cluster (refreshed on failover and MOVED replies): CLUSTER NODES itself is an admin command.
        var nodes = any.ClusterConfiguration ?? throw new InvalidOperationException("The cluster has not described its nodes yet.");
        var masters = nodes.Nodes.Where(n => !n.IsReplica && n.Slots.Count > 0).ToArray();
        if (masters.Sum(n => n.Slots.Sum(r => r.To - r.From + 1)) != 16384)
        {
            throw new InvalidOperationException("Not every cluster slot is served (a failover may be in progress).");
        }

        return [.. masters.Select(n => n.IsFail || n.EndPoint is null || connection.GetServer(n.EndPoint) is not { IsConnected: true } server
            ? throw new InvalidOperationException($"Cluster master {n.EndPoint} is unreachable (a failover may be in progress).")
            : server)];
    }

    /// <summary>The first bytes of each record value (enough for its expiry); null for a key that is gone or not a string.</summary>
    private static async Task<byte[]?[]> ReadHeadsAsync(IDatabase db, RedisKey[] keys)
    {
        return await Task.WhenAll(keys.Select(ReadHeadAsync)).ConfigureAwait(false);

        async Task<byte[]?> ReadHeadAsync(RedisKey key)
        {
            try
            {
                var value = await db.StringGetRangeAsync(key, 0, RedisRecordFormat.ExpiryPrefixLength - 1).ConfigureAwait(false);
                return value.IsNull ? null : (byte[]?)value;
            }
            catch (RedisServerException e) when (e.Message.StartsWith("WRONGTYPE", StringComparison.Ordinal))
            {
                return null; // another type under the prefix: not a record, left alone
            }
        }
    }

    /// <summary>What <see cref="Tessera.Redis.RedisRecordFormat.Decode"/> would call live, judged from the header alone.</summary>
    private static bool IsLive(byte[] head, DateTimeOffset now) =>
        RedisRecordFormat.TryReadExpiry(head, out var ticks) && ticks > now.UtcTicks;

    /// <summary>The members of the user's index (and of the layout-1 set, until it expires): live ones only, or all.</summary>
    private async Task<List<SessionKey>> IndexMembersAsync(IDatabase db, string userTag, bool liveOnly)
    {
        var tagHex = RedisRecordFormat.TagHex(userTag);
        var current = db.SortedSetRangeByScoreAsync(_indexPrefix + tagHex, liveOnly ? UnixMilliseconds(_time.GetUtcNow(), ceiling: false) : double.NegativeInfinity, double.PositiveInfinity, Exclude.Start);
        var legacy = db.SetMembersAsync(_legacyIndexPrefix + tagHex);
        var keys = new List<SessionKey>();
        foreach (var member in (await current.ConfigureAwait(false)).Concat(await legacy.ConfigureAwait(false)).Distinct())
        {
            if (SessionKey.TryParse(member, out var key))
            {
                keys.Add(key);
            }
        }

        return keys;
    }

    private Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> command, CancellationToken cancellationToken) =>
        RunAsync(operation, (_, db) => command(db), cancellationToken);

    private async Task<T> RunAsync<T>(string operation, Func<IConnectionMultiplexer, IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await ConnectionAsync().WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_options.Database);
            // One bound for the whole operation, including waiting for a connection that is down or reconnecting.
            return await command(connection, database).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.OperationFailed(_logger, e, operation);
            throw new SessionStoreException(Name, e switch
            {
                TimeoutException => $"{operation} timed out after {_options.OperationTimeout.TotalMilliseconds} ms{Endpoints}",
                InvalidOperationException => $"{operation} failed: {e.Message}", // the store's own topology messages
                _ => operation + " failed",
            }, e);
        }
    }

    /// <summary>Where the store connects, for errors (endpoints only, never the password).</summary>
    private string Endpoints => _configuration is null ? "" : " waiting for " + string.Join(", ", _configuration.EndPoints);

    private SessionRecord? Decode(SessionKey key, byte[] value)
    {
        var record = RedisRecordFormat.Decode(key, value, out var reason);
        if (record is null)
        {
            Log.UnreadableValue(_logger, key.Fingerprint, reason!);
        }

        return record;
    }

    private SessionRecord? Live(SessionRecord? record) => record is not null && record.ExpiresAt > _time.GetUtcNow() ? record : null;

    private RedisKey RecordKey(SessionKey key) => _recordPrefix + key.ToString();

    private RedisKey IndexKey(string userTag) => _indexPrefix + RedisRecordFormat.TagHex(userTag);

    /// <summary>Index scores are Unix milliseconds (ticks would lose digits in a double): an expiry rounds up, "now" down,
    /// so an entry is pruned only once its record is certainly expired.</summary>
    private static long UnixMilliseconds(DateTimeOffset time, bool ceiling)
    {
        var ms = Math.DivRem(time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks, TimeSpan.TicksPerMillisecond, out var rest);
        return ceiling && rest > 0 ? ms + 1 : ms;
    }

    private static string EscapeGlob(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '?' or '[' or ']' or '\\')
            {
                builder.Append('\\');
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    /// <summary>Reads the key-check key: one round trip, whatever the store holds (never a scan).</summary>
    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken) =>
        await RunAsync("probe", db => db.StringGetAsync(_keyCheckKey), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    /// <remarks>Kept under <c>{prefix}keycheck</c>, without expiry.</remarks>
    public async ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken) =>
        await RunAsync("read key check", db => db.StringGetAsync(_keyCheckKey), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return expected is null
            ? await RunAsync("write key check", db => db.StringSetAsync(_keyCheckKey, value, when: When.NotExists), cancellationToken).ConfigureAwait(false)
            : (int)await RunAsync("write key check", db => db.ScriptEvaluateAsync(RedisScripts.ReplaceKeyCheck, [_keyCheckKey], [expected, value]), cancellationToken).ConfigureAwait(false) == 1;
    }
}
