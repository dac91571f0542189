using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Tessera.Sessions;

namespace Tessera.PostgreSql;

/// <summary>
/// A session store in PostgreSQL: the shared store for a fleet of servers. The version check runs inside the
/// UPDATE (or the INSERT ... ON CONFLICT for a new record), so two servers racing on one session cannot both win.
/// The schema is created or migrated on first use (see <see cref="PostgreSqlSessionStoreOptions.Schema"/>).
/// </summary>
/// <remarks>
/// Connections come from a pooled <see cref="NpgsqlDataSource"/>. Every driver error becomes a
/// <see cref="SessionStoreException"/>; reads are retried a bounded number of times on transient errors, writes never.
/// </remarks>
public sealed class PostgreSqlSessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck, ISessionStoreProbe, IAsyncDisposable, IDisposable
{
    private const string Columns = "key, version, data, expires_at, user_tag, listing";

    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly PostgreSqlSessionStoreOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly int _timeoutSeconds;
    private readonly SemaphoreSlim _migrationLock = new(1, 1);
    private volatile bool _migrated;
    private int _schemaVersion;

    private readonly string _loadSql;
    private readonly string _insertSql;
    private readonly string _updateSql;
    private readonly string _deleteSql;
    private readonly string _listSql;
    private readonly string _deleteByUserSql;
    private readonly string _sweepSql;
    private readonly string _statisticsSql;
    private readonly string _readKeyCheckSql;
    private readonly string _probeSql;
    private readonly string _insertKeyCheckSql;
    private readonly string _updateKeyCheckSql;

    /// <summary>Creates a store that opens its own pooled data source from <see cref="PostgreSqlSessionStoreOptions.ConnectionString"/>.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlSessionStore(PostgreSqlSessionStoreOptions options, TimeProvider timeProvider, ILogger<PostgreSqlSessionStore>? logger = null)
        : this(CreateDataSource(options), ownsDataSource: true, options, timeProvider, logger)
    {
    }

    /// <summary>Creates a store over a data source the caller owns (and disposes); <see cref="PostgreSqlSessionStoreOptions.ConnectionString"/> is ignored.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public PostgreSqlSessionStore(NpgsqlDataSource dataSource, PostgreSqlSessionStoreOptions options, TimeProvider timeProvider, ILogger<PostgreSqlSessionStore>? logger = null)
        : this(dataSource, ownsDataSource: false, options, timeProvider, logger)
    {
    }

    private PostgreSqlSessionStore(NpgsqlDataSource dataSource, bool ownsDataSource, PostgreSqlSessionStoreOptions options, TimeProvider timeProvider, ILogger? logger)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(timeProvider);
        options.Validate(requireConnectionString: false);
        _dataSource = dataSource;
        _ownsDataSource = ownsDataSource;
        _options = options;
        _time = timeProvider;
        _logger = logger ?? NullLogger.Instance;
        _timeoutSeconds = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);

        var t = $"{options.Schema}.sessions";
        _loadSql = $"SELECT {Columns} FROM {t} WHERE key = $1 AND expires_at > $2";
        // A new record may replace only an expired one: the WHERE of DO UPDATE leaves a live row alone (0 rows).
        _insertSql = $"""
            INSERT INTO {t} ({Columns}) VALUES ($1, $3, $4, $5, $6, $7)
            ON CONFLICT (key) DO UPDATE SET version = excluded.version, data = excluded.data, expires_at = excluded.expires_at,
                user_tag = excluded.user_tag, listing = excluded.listing
            WHERE {t}.expires_at <= $2
            """;
        _updateSql = $"""
            UPDATE {t} SET version = $3, data = $4, expires_at = $5, user_tag = $6, listing = $7
            WHERE key = $1 AND expires_at > $2 AND version = $8
            """;
        _deleteSql = $"DELETE FROM {t} WHERE key = $1";
        // One statement for all of a user's tags (one per keyring secret): the user_tag index is searched once per tag.
        _listSql = $"SELECT {Columns} FROM {t} WHERE user_tag = ANY($1) AND expires_at > $2";
        _deleteByUserSql = $"DELETE FROM {t} WHERE user_tag = ANY($1) AND expires_at > $2 AND key <> $3";
        // Each batch walks the expires_at index from where the last one ended ($2), so it never rescans the rows
        // earlier batches deleted: a plain "expires_at <= now LIMIT n" ran as a sequential scan under a generic plan and
        // re-read every dead row each batch (quadratic; at 10^6 records a late batch passed the command timeout).
        _sweepSql = $"""
            WITH batch AS (SELECT key, expires_at FROM {t} WHERE expires_at <= $1 AND expires_at >= $2
                           ORDER BY expires_at LIMIT {options.SweepBatchSize} FOR UPDATE SKIP LOCKED)
            DELETE FROM {t} s USING batch WHERE s.key = batch.key RETURNING batch.expires_at
            """;
        _statisticsSql = $"SELECT count(*) FILTER (WHERE expires_at > $1), count(*) FILTER (WHERE expires_at <= $1) FROM {t}";
        _readKeyCheckSql = $"SELECT value FROM {options.Schema}.settings WHERE name = 'key_check'";
        _probeSql = $"SELECT max(version) FROM {options.Schema}.schema_version";
        _insertKeyCheckSql = $"INSERT INTO {options.Schema}.settings (name, value) VALUES ('key_check', $1) ON CONFLICT (name) DO NOTHING";
        _updateKeyCheckSql = $"UPDATE {options.Schema}.settings SET value = $1 WHERE name = 'key_check' AND value = $2";
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>
    /// Creates or migrates the schema now rather than on first use (for start-up checks); safe to call repeatedly. With
    /// <see cref="PostgreSqlSessionStoreOptions.CreateSchema"/> off, checks that the schema exists instead, changing nothing.
    /// </summary>
    /// <exception cref="SessionStoreException">The database could not be reached or migrated.</exception>
    public async ValueTask EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        if (_migrated)
        {
            return;
        }

        await _migrationLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_migrated)
            {
                _schemaVersion = _options.CreateSchema
                    ? await PostgreSqlSchema.MigrateAsync(_dataSource, _options.Schema, _timeoutSeconds, _logger, cancellationToken).ConfigureAwait(false)
                    : await PostgreSqlSchema.ReadVersionAsync(_dataSource, _options.Schema, _timeoutSeconds, cancellationToken).ConfigureAwait(false);
                _migrated = true;
            }
        }
        catch (Exception e) when (IsDriverError(e, cancellationToken))
        {
            Log.OperationFailed(_logger, e, "schema migration");
            throw new SessionStoreException(Name, _options.CreateSchema ? "creating or migrating the schema failed" : "reading the schema failed", e);
        }
        finally
        {
            _migrationLock.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
        ReadAsync("load", async (connection, ct) =>
        {
            var command = Command(connection, _loadSql, Key(key), Now());
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    return await reader.ReadAsync(ct).ConfigureAwait(false) ? ReadRecord(reader) : null;
                }
            }
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedVersion);
        return WriteAsync("save", async (connection, ct) =>
        {
            var parameters = new List<NpgsqlParameter>
            {
                Key(record.Key), Now(),
                new() { Value = record.Version, NpgsqlDbType = NpgsqlDbType.Bigint },
                new() { Value = record.Data.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea },
                new() { Value = record.ExpiresAt.UtcTicks, NpgsqlDbType = NpgsqlDbType.Bigint },
                new() { Value = (object?)record.UserTag ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text },
                new() { Value = record.Listing.IsEmpty ? DBNull.Value : record.Listing.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea },
            };
            if (expectedVersion != 0)
            {
                parameters.Add(new() { Value = expectedVersion, NpgsqlDbType = NpgsqlDbType.Bigint });
            }

            var command = Command(connection, expectedVersion == 0 ? _insertSql : _updateSql, [.. parameters]);
            await using (command.ConfigureAwait(false))
            {
                var rows = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
                return rows == 1 ? SaveResult.Saved : SaveResult.Conflict;
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        await WriteAsync("delete", (connection, ct) => ExecuteAsync(connection, _deleteSql, ct, Key(key)), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        return ListByUserTagsAsync([userTag], cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        var tags = Tags(userTags);
        return ReadAsync<IReadOnlyList<SessionRecord>>("list by user", async (connection, ct) =>
        {
            var command = Command(connection, _listSql, tags, Now());
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var records = new List<SessionRecord>();
                    while (await reader.ReadAsync(ct).ConfigureAwait(false))
                    {
                        if (ReadRecord(reader) is { } record)
                        {
                            records.Add(record);
                        }
                    }

                    return records;
                }
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userTag);
        return DeleteByUserTagsAsync([userTag], except, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserTagsAsync(IReadOnlyCollection<string> userTags, SessionKey? except, CancellationToken cancellationToken)
    {
        var tags = Tags(userTags);
        var exceptKey = except is { } k ? Key(k) : new NpgsqlParameter { Value = Array.Empty<byte>(), NpgsqlDbType = NpgsqlDbType.Bytea };
        return WriteAsync("delete by user", (connection, ct) => ExecuteAsync(connection, _deleteByUserSql, ct, tags, Now(), exceptKey), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> SweepAsync(CancellationToken cancellationToken) =>
        WriteAsync("sweep", async (connection, ct) =>
        {
            // Small batches, each its own statement: a sweep never holds many row locks or a long transaction.
            var now = _time.GetUtcNow().UtcTicks;
            var total = 0;
            var from = long.MinValue;
            int deleted;
            do
            {
                deleted = 0;
                var command = Command(connection, _sweepSql, Ticks(now), Ticks(from));
                await using (command.ConfigureAwait(false))
                {
                    var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(ct).ConfigureAwait(false))
                        {
                            from = Math.Max(from, reader.GetInt64(0));
                            deleted++;
                        }
                    }
                }

                total += deleted;
            }
            while (deleted == _options.SweepBatchSize);

            Log.Swept(_logger, total);
            return total;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        ReadAsync("statistics", async (connection, ct) =>
        {
            var command = Command(connection, _statisticsSql, Now());
            await using (command.ConfigureAwait(false))
            {
                var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(ct).ConfigureAwait(false);
                    return new SessionStoreStatistics(reader.GetInt64(0), reader.GetInt64(1));
                }
            }
        }, cancellationToken);

    /// <summary>Reads the schema version: one round trip and one small read, whatever the store holds.</summary>
    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken) =>
        await ReadAsync("probe", async (connection, ct) =>
        {
            var command = Command(connection, _probeSql);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken) =>
        ReadAsync("read key check", async (connection, ct) =>
        {
            if (_schemaVersion < 2)
            {
                return null;
            }

            var command = Command(connection, _readKeyCheckSql);
            await using (command.ConfigureAwait(false))
            {
                return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) as byte[];
            }
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync("write key check", async (connection, ct) =>
        {
            if (_schemaVersion < 2)
            {
                throw new InvalidOperationException($"schema '{_options.Schema}' is at version {_schemaVersion}: only the application migrates it");
            }

            var bytes = new NpgsqlParameter { Value = value, NpgsqlDbType = NpgsqlDbType.Bytea };
            return expected is null
                ? await ExecuteAsync(connection, _insertKeyCheckSql, ct, bytes).ConfigureAwait(false) == 1
                : await ExecuteAsync(connection, _updateKeyCheckSql, ct, bytes, new NpgsqlParameter { Value = expected, NpgsqlDbType = NpgsqlDbType.Bytea }).ConfigureAwait(false) == 1;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }

        _migrationLock.Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_ownsDataSource)
        {
            _dataSource.Dispose();
        }

        _migrationLock.Dispose();
    }

    private static NpgsqlDataSource CreateDataSource(PostgreSqlSessionStoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate(requireConnectionString: true);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        builder.ConnectionStringBuilder.CommandTimeout = (int)Math.Ceiling(options.CommandTimeout.TotalSeconds);
        if (builder.ConnectionStringBuilder.Timeout == 15)
        {
            // Npgsql's default connect timeout (15 s) would hold a request that long when the database is down.
            builder.ConnectionStringBuilder.Timeout = Math.Max(1, (int)Math.Ceiling(options.CommandTimeout.TotalSeconds));
        }

        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The store runs the same few statements all day: let Npgsql prepare them once per connection.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 16;
            builder.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
        }

        // The store sets no session state (no SET, temp tables, LISTEN or advisory locks outside a transaction), so
        // the reset statements Npgsql otherwise runs on each pooled connection's next use are pure overhead.
        builder.ConnectionStringBuilder.NoResetOnClose = true;
        return builder.Build();
    }

    private async ValueTask<T> ReadAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        var delay = _options.RetryDelay;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    return await work(connection, cancellationToken).ConfigureAwait(false);
                }
            }
            catch (Exception e) when (attempt < _options.ReadRetries && IsTransient(e, cancellationToken))
            {
                // Pooled connections to a server that went away are all dead: drop them rather than fail on each in turn.
                _dataSource.Clear();
                Log.TransientRetry(_logger, e, operation, attempt + 1, _options.ReadRetries);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
                delay *= 2;
            }
            catch (Exception e) when (IsDriverError(e, cancellationToken))
            {
                Log.OperationFailed(_logger, e, operation);
                throw new SessionStoreException(Name, operation + " failed", e);
            }
        }
    }

    private async ValueTask<T> WriteAsync<T>(string operation, Func<NpgsqlConnection, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                return await work(connection, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (IsDriverError(e, cancellationToken))
        {
            if (IsTransient(e, cancellationToken))
            {
                _dataSource.Clear();
            }

            Log.OperationFailed(_logger, e, operation);
            throw new SessionStoreException(Name, operation + " failed", e);
        }
    }

    /// <summary>Errors of the database or the network, as opposed to the caller cancelling.</summary>
    private static bool IsDriverError(Exception e, CancellationToken cancellationToken) =>
        e is not SessionStoreException && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested);

    private static bool IsTransient(Exception e, CancellationToken cancellationToken) =>
        IsDriverError(e, cancellationToken) && e is NpgsqlException { IsTransient: true };

    private SessionRecord? ReadRecord(NpgsqlDataReader reader)
    {
        var keyBytes = (byte[])reader[0];
        if (keyBytes.Length != SessionKey.Length)
        {
            Log.UnreadableRow(_logger, Convert.ToHexStringLower(keyBytes.AsSpan(0, Math.Min(6, keyBytes.Length))), "key is not 32 bytes");
            return null;
        }

        var key = SessionKey.FromBytes(keyBytes);
        var ticks = reader.GetInt64(3);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            Log.UnreadableRow(_logger, key.Fingerprint, "expiry out of range");
            return null;
        }

        return new SessionRecord(
            key,
            reader.GetInt64(1),
            (byte[])reader[2],
            new DateTimeOffset(ticks, TimeSpan.Zero),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? default : (byte[])reader[5]);
    }

    private NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
#pragma warning disable CA2100 // The SQL is built once from a validated schema name; values are always parameters.
        var command = new NpgsqlCommand(sql, connection) { CommandTimeout = _timeoutSeconds };
#pragma warning restore CA2100
        command.Parameters.AddRange(parameters);
        return command;
    }

    private async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        var command = Command(connection, sql, parameters);
        await using (command.ConfigureAwait(false))
        {
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private NpgsqlParameter Now() => Ticks(_time.GetUtcNow().UtcTicks);

    private static NpgsqlParameter Ticks(long ticks) => new() { Value = ticks, NpgsqlDbType = NpgsqlDbType.Bigint };

    private static NpgsqlParameter Key(SessionKey key) => new() { Value = key.Bytes.ToArray(), NpgsqlDbType = NpgsqlDbType.Bytea };

    private static NpgsqlParameter Tags(IReadOnlyCollection<string> userTags)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var tags = userTags.Distinct(StringComparer.Ordinal).ToArray();
        if (tags.Length == 0 || tags.Any(string.IsNullOrEmpty))
        {
            throw new ArgumentException("Give at least one user tag, none empty.", nameof(userTags));
        }

        return new() { Value = tags, NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text };
    }
}
