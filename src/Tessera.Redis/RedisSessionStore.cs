using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;
using Tessera.Sessions;

namespace Tessera.Redis;

/// <summary>
/// A session store in Redis. Expiry is Redis's own (each key's time-to-live is the record's expiry, plus
/// <see cref="RedisSessionStoreOptions.ExpiryMargin"/>); the version check runs in a Lua script inside the server,
/// so two servers racing on one session cannot both win; a user's sessions are indexed in a Redis set that
/// expires with the longest of them.
/// </summary>
/// <remarks>
/// Redis keeps sessions in memory: with persistence off, a Redis restart signs everybody out (cleanly: their
/// sessions read as missing). Needs one Redis server or primary; Redis Cluster is not supported. Every
/// failure (connection down, timeout, server error) becomes a <see cref="SessionStoreException"/>.
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
        _indexPrefix = options.KeyPrefix + "u:";
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
        RedisKey[] keys = record.UserTag is null
            ? [RecordKey(record.Key)]
            : [RecordKey(record.Key), _indexPrefix + RedisRecordFormat.TagHex(record.UserTag)];
        RedisValue[] args =
        [
            expectedVersion.ToString(CultureInfo.InvariantCulture),
            RedisRecordFormat.Ticks(now),
            RedisRecordFormat.Encode(record),
            ttl,
            record.Key.ToString(),
        ];
        var result = await RunAsync("save", db => db.ScriptEvaluateAsync(RedisScripts.Save, keys, args), cancellationToken).ConfigureAwait(false);
        return (int)result == 1 ? SaveResult.Saved : SaveResult.Conflict;
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        await RunAsync("delete", db => db.ScriptEvaluateAsync(RedisScripts.Delete, [RecordKey(key)], [_indexPrefix, key.ToString()]), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        var index = (RedisKey)(_indexPrefix + RedisRecordFormat.TagHex(userTag));
        var members = await RunAsync("list by user", db => db.SetMembersAsync(index), cancellationToken).ConfigureAwait(false);
        var keys = new List<SessionKey>();
        foreach (var member in members)
        {
            if (SessionKey.TryParse(member, out var key))
            {
                keys.Add(key);
            }
        }

        if (keys.Count == 0)
        {
            return [];
        }

        var values = await RunAsync("list by user", db => db.StringGetAsync([.. keys.Select(RecordKey)]), cancellationToken).ConfigureAwait(false);
        var records = new List<SessionRecord>(keys.Count);
        for (var i = 0; i < keys.Count; i++)
        {
            // The set may name records that expired, were deleted or changed hands; those are skipped (and pruned by sweeps).
            if (!values[i].IsNull && Live(Decode(keys[i], values[i]!)) is { } record && record.UserTag == userTag)
            {
                records.Add(record);
            }
        }

        return records;
    }

    /// <inheritdoc />
    public async ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        var tagHex = RedisRecordFormat.TagHex(userTag);
        RedisValue[] args = [_recordPrefix, tagHex, RedisRecordFormat.Ticks(_time.GetUtcNow()), except?.ToString() ?? ""];
        var result = await RunAsync("delete by user", db => db.ScriptEvaluateAsync(RedisScripts.DeleteByUser, [_indexPrefix + tagHex], args), cancellationToken).ConfigureAwait(false);
        return (int)result;
    }

    /// <summary>Always: records carry Redis TTLs; a sweep only tidies the user index.</summary>
    public bool ExpiresNatively => true;

    /// <inheritdoc />
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        var (_, swept) = await ScanAsync("sweep", cancellationToken).ConfigureAwait(false);
        Log.Swept(_logger, (int)swept);
        return (int)swept;
    }

    /// <inheritdoc />
    public async ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var (live, expired) = await ScanAsync("count", cancellationToken).ConfigureAwait(false);
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

    private async Task<(long Live, long Expired)> ScanAsync(string mode, CancellationToken cancellationToken)
    {
        long live = 0, expired = 0;
        var cursor = "0";
        var pattern = EscapeGlob(_recordPrefix) + "*";
        do
        {
            RedisValue[] args = [cursor, pattern, RedisRecordFormat.Ticks(_time.GetUtcNow()), _options.ScanBatchSize, mode, _recordPrefix, _indexPrefix];
            var step = (RedisResult[])(await RunAsync(mode, db => db.ScriptEvaluateAsync(RedisScripts.ScanStep, null, args), cancellationToken).ConfigureAwait(false))!;
            cursor = (string)step[0]!;
            live += (long)step[1];
            expired += (long)step[2];
        }
        while (cursor != "0");

        return (live, expired);
    }

    private async Task<T> RunAsync<T>(string operation, Func<IDatabase, Task<T>> command, CancellationToken cancellationToken)
    {
        try
        {
            var connection = await ConnectionAsync().WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
            var database = connection.GetDatabase(_options.Database);
            // One bound for the whole operation, including waiting for a connection that is down or reconnecting.
            return await command(database).WaitAsync(_options.OperationTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Log.OperationFailed(_logger, e, operation);
            throw new SessionStoreException(Name, e is TimeoutException ? $"{operation} timed out after {_options.OperationTimeout.TotalMilliseconds} ms{Endpoints}" : operation + " failed", e);
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
