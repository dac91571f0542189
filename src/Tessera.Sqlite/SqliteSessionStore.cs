using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Sessions;

namespace Tessera.Sqlite;

/// <summary>
/// Keeps session records in a SQLite database: the embedded default. Creates its (versioned) schema on first use,
/// runs in WAL mode with a busy timeout, and lets the database detect lost races (the version check is part of
/// the UPDATE). Indexed by user tag (user index) and expiry time (sweeping).
/// </summary>
/// <remarks>
/// Schema version 1: table <c>tessera_sessions(key BLOB PRIMARY KEY, version, expires_at (unix ms), user_tag,
/// listing, data)</c>, indexes on <c>user_tag</c> and <c>expires_at</c>, and <c>tessera_schema(component, version)</c>.
/// Version 2 adds <c>tessera_settings(name, value)</c>, which holds the key-check value.
/// Several processes may share the database file on one machine (SQLite's locking); not on a network file system.
/// </remarks>
public sealed class SqliteSessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck, ISessionStoreProbe, IDisposable
{
    /// <summary>The schema version this code writes; it reads every version up to this one.</summary>
    public const int SchemaVersion = 2;

    private const string Columns = "key, version, expires_at, user_tag, listing, data";

    private readonly string _connectionString;
    private readonly string _connectionPragmas;
    private readonly int _commandTimeoutSeconds;
    private readonly TimeProvider _time;
    private readonly int _sweepBatchSize;
    private readonly TimeSpan _sweepBatchDuration;
    private readonly ILogger _logger;
    private const int MaxIdleConnections = 16;
    private const int CacheKibibytes = 8192;
    // How many WAL pages make a checkpoint due: SQLite's default for its automatic checkpoint, which this store turns
    // off (see CheckpointIfDue).
    private const int CheckpointPages = 1000;
    private const int FirstCheckpointCommits = 100;
    private const int MaxCheckpointCommits = 10_000;
    private const int FirstSweepBatch = 25;
    private static readonly TimeSpan MinSweepPause = TimeSpan.FromMilliseconds(1);
    private static readonly TimeSpan MaxSweepPause = TimeSpan.FromMilliseconds(50);
    private static readonly long MinUnixMilliseconds = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMilliseconds = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();
    // LIFO, so the connection used last (its page cache warm) goes out first. Counted separately: a concurrent
    // collection's Count walks or locks the whole collection, and RunAsync checks it on every call.
    private readonly ConcurrentStack<PooledConnection> _idle = new();
    private int _idleCount;
    private readonly Lock _schemaGate = new();
    // SQLite has one writer at a time. Writers of this process queue here instead of in SQLite's busy handler, which
    // sleeps and polls (up to 100 ms a turn) and so can starve behind a sweep that takes the lock back at once.
    // Entered only through WaitAsync: its waiters queue first come, first served, and Release hands the gate to the
    // oldest one directly (no newcomer barges in, so a sweep's next batch queues behind the saves already waiting),
    // and a waiter neither spins nor holds a thread while the holder does file I/O (Wait, Monitor and Lock all spin first).
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private volatile bool _schemaReady;
    // Commits since the last checkpoint, how many make the next one due (estimated from the WAL pages per commit the
    // last checkpoint found), and whether one is running.
    private int _commitsSinceCheckpoint;
    private int _checkpointCommits = FirstCheckpointCommits;
    private int _checkpointing;
    private volatile bool _disposed;
    private readonly bool _createSchema;
    private readonly string _dataSource;
    private int _schemaVersion;

    // Schema migrations, in order; each only ever appended. Version 2 adds the settings table (the key-check value).
    private static readonly string[] Migrations =
    [
        """
        CREATE TABLE IF NOT EXISTS tessera_sessions (
          key BLOB PRIMARY KEY NOT NULL,
          version INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          user_tag TEXT NULL,
          listing BLOB NULL,
          data BLOB NOT NULL);
        CREATE INDEX IF NOT EXISTS ix_tessera_sessions_user_tag ON tessera_sessions (user_tag) WHERE user_tag IS NOT NULL;
        CREATE INDEX IF NOT EXISTS ix_tessera_sessions_expires_at ON tessera_sessions (expires_at);
        """,
        """
        CREATE TABLE IF NOT EXISTS tessera_settings (name TEXT PRIMARY KEY NOT NULL, value BLOB NOT NULL);
        """,
    ];

    /// <summary>Creates a store; the schema is created on first use.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public SqliteSessionStore(SqliteSessionStoreOptions options, TimeProvider? timeProvider = null, ILogger<SqliteSessionStore>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var connectionString = new SqliteConnectionStringBuilder(options.ConnectionString) { Pooling = false };
        if (!options.CreateSchema && connectionString.Mode == SqliteOpenMode.ReadWriteCreate)
        {
            // A typo must not create an empty database that then reports no sessions.
            connectionString.Mode = SqliteOpenMode.ReadWrite;
        }

        _connectionString = connectionString.ToString();
        _dataSource = connectionString.DataSource;
        _createSchema = options.CreateSchema;
        // Memory-mapped reads and a larger page cache: at a million records (about 1.5 GB) the default 2 MB cache sends
        // nearly every lookup to read() calls (issue 13). The map shares the OS page cache between connections.
        _connectionPragmas = $"PRAGMA busy_timeout = {(int)options.BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = {(options.DurableCommits ? "FULL" : "NORMAL")}; "
            + $"PRAGMA mmap_size = {options.MemoryMapSize}; PRAGMA cache_size = -{CacheKibibytes}; PRAGMA wal_autocheckpoint = 0;";
        _commandTimeoutSeconds = Math.Max(1, (int)Math.Ceiling(options.BusyTimeout.TotalSeconds));
        _time = timeProvider ?? TimeProvider.System;
        _sweepBatchSize = options.SweepBatchSize;
        _sweepBatchDuration = options.SweepBatchDuration;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken) =>
        RunAsync("load", connection =>
        {
            // The key column is not read back: the record is the one asked for (two 32-byte copies less per load).
            var command = connection.Command("SELECT version, expires_at, user_tag, listing, data FROM tessera_sessions WHERE key = $key AND expires_at > $now");
            command.Parameters.AddWithValue("$key", key.Bytes.ToArray());
            command.Parameters.AddWithValue("$now", NowMs());
            using var reader = command.ExecuteReader();
            return reader.Read() ? ReadRecord(key, reader, 0) : null;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        return WriteAsync("save", connection =>
        {
            // The version check is in the statement, so the database decides who won a race.
            var command = connection.Command(
                expectedVersion == 0
                    ? $"""
                       INSERT INTO tessera_sessions ({Columns}) VALUES ($key, $version, $expires, $tag, $listing, $data)
                       ON CONFLICT (key) DO UPDATE SET version = excluded.version, expires_at = excluded.expires_at,
                         user_tag = excluded.user_tag, listing = excluded.listing, data = excluded.data
                       WHERE tessera_sessions.expires_at <= $now
                       """
                    : """
                      UPDATE tessera_sessions SET version = $version, expires_at = $expires, user_tag = $tag, listing = $listing, data = $data
                      WHERE key = $key AND version = $expected AND expires_at > $now
                      """);
            command.Parameters.AddWithValue("$key", record.Key.Bytes.ToArray());
            command.Parameters.AddWithValue("$version", record.Version);
            command.Parameters.AddWithValue("$expires", record.ExpiresAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$tag", (object?)record.UserTag ?? DBNull.Value);
            command.Parameters.AddWithValue("$listing", record.Listing.IsEmpty ? DBNull.Value : record.Listing.ToArray());
            command.Parameters.AddWithValue("$data", record.Data.ToArray());
            command.Parameters.AddWithValue("$expected", expectedVersion);
            command.Parameters.AddWithValue("$now", NowMs());
            return command.ExecuteNonQuery() == 1 ? SaveResult.Saved : SaveResult.Conflict;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) =>
        await WriteAsync("delete", connection =>
        {
            var command = connection.Command("DELETE FROM tessera_sessions WHERE key = $key");
            command.Parameters.AddWithValue("$key", key.Bytes.ToArray());
            return command.ExecuteNonQuery();
        }, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        return ListByUserTagsAsync([userTag], cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        var tags = DistinctTags(userTags);
        return RunAsync<IReadOnlyList<SessionRecord>>("list by user", connection =>
        {
            var command = connection.Command($"SELECT {Columns} FROM tessera_sessions WHERE user_tag IN ({TagParameters(tags.Length)}) AND expires_at > $now");
            AddTags(command, tags);
            command.Parameters.AddWithValue("$now", NowMs());
            using var reader = command.ExecuteReader();
            var list = new List<SessionRecord>();
            while (reader.Read())
            {
                if (ReadRecord(reader) is { } record)
                {
                    list.Add(record);
                }
            }

            return list;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        return DeleteByUserTagsAsync([userTag], except, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserTagsAsync(IReadOnlyCollection<string> userTags, SessionKey? except, CancellationToken cancellationToken)
    {
        var tags = DistinctTags(userTags);
        return WriteAsync("delete by user", connection =>
        {
            var command = connection.Command($"DELETE FROM tessera_sessions WHERE user_tag IN ({TagParameters(tags.Length)}) AND key IS NOT $except AND expires_at > $now");
            AddTags(command, tags);
            command.Parameters.AddWithValue("$except", except is { } k ? k.Bytes.ToArray() : DBNull.Value);
            command.Parameters.AddWithValue("$now", NowMs());
            return command.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        // Short batches, each its own statement and write transaction taken through the write gate like any save, so a
        // save waits for one batch at most (issue 13: one long DELETE held the lock 8 s and a save failed with
        // "database is locked"; 500-row batches still kept saves waiting up to 241 ms at 10^6 records). A batch is
        // bounded by rows (SweepBatchSize) and by time: the next batch's rows are scaled to SweepBatchDuration from
        // how long this one held the gate. Between batches the sweep checkpoints the WAL outside the gate (when due) and
        // pauses as long as the batch held it (1 to 50 ms): waiting saves go first and get at least half the writes.
        var now = NowMs();
        var total = 0;
        var rows = Math.Min(FirstSweepBatch, _sweepBatchSize);
        // A checkpoint fsyncs twice, so the sweep runs one only when the WAL may hold half of what makes one due after
        // saves (CheckpointIfDue): estimated from the WAL pages per deleted row the last checkpoint found.
        var pagesPerRow = double.PositiveInfinity;
        var uncheckpointedRows = 0;
        while (true)
        {
            var (deleted, held) = await WriteAsync("sweep", connection => SweepBatch(connection, now, rows), cancellationToken).ConfigureAwait(false);
            total += deleted;
            uncheckpointedRows += deleted;
            var next = NextSweepBatch(rows, held);
            Log.SweptBatch(_logger, deleted, held.TotalMilliseconds, next);
            if (uncheckpointedRows > 0 && (deleted < rows || uncheckpointedRows * pagesPerRow >= CheckpointPages / 2))
            {
                if (TryCheckpoint(out _) is { } pages)
                {
                    pagesPerRow = Math.Max(1.0, (double)pages / uncheckpointedRows);
                    uncheckpointedRows = 0;
                }
            }

            if (deleted < rows)
            {
                break;
            }

            rows = next;
            // Real time, not the injected clock: this spaces out lock holds, it measures no session's age.
            var pause = Math.Clamp(held.Ticks, MinSweepPause.Ticks, MaxSweepPause.Ticks);
            await Task.Delay(TimeSpan.FromTicks(pause), TimeProvider.System, cancellationToken).ConfigureAwait(false);
        }

        Log.Swept(_logger, total);
        return total;
    }

    /// <summary>Deletes up to <paramref name="rows"/> expired records, the earliest first; returns how many and how long it took.</summary>
    private static (int Deleted, TimeSpan Held) SweepBatch(PooledConnection connection, long now, int rows)
    {
        var started = Stopwatch.GetTimestamp();
        // Row ids straight from the expires_at index (it holds them), so each row is found once, by row id.
        // No keyset is needed: SQLite removes a deleted row's index entries at once (no dead tuples as in
        // PostgreSQL), so each batch's index walk starts at the first expired row still there.
        var command = connection.Command("DELETE FROM tessera_sessions WHERE rowid IN (SELECT rowid FROM tessera_sessions WHERE expires_at <= $now ORDER BY expires_at LIMIT $rows)");
        command.Parameters.AddWithValue("$now", now);
        command.Parameters.AddWithValue("$rows", rows);
        return (command.ExecuteNonQuery(), Stopwatch.GetElapsedTime(started));
    }

    /// <summary>The next batch's rows: scaled so the batch holds the gate about <see cref="SqliteSessionStoreOptions.SweepBatchDuration"/>, growing at most twofold.</summary>
    private int NextSweepBatch(int rows, TimeSpan held)
    {
        var scaled = held <= TimeSpan.Zero ? 2L * rows : (long)(rows * (_sweepBatchDuration / held));
        return (int)Math.Clamp(scaled, 1, Math.Min(2L * rows, _sweepBatchSize));
    }

    /// <inheritdoc />
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken) =>
        RunAsync("count", connection =>
        {
            var command = connection.Command("SELECT COALESCE(SUM(expires_at > $now), 0), COALESCE(SUM(expires_at <= $now), 0) FROM tessera_sessions");
            command.Parameters.AddWithValue("$now", NowMs());
            using var reader = command.ExecuteReader();
            reader.Read();
            return new SessionStoreStatistics(reader.GetInt64(0), reader.GetInt64(1));
        }, cancellationToken);

    /// <summary>Reads the schema version row: one indexed read, whatever the store holds.</summary>
    /// <inheritdoc />
    public async ValueTask ProbeAsync(CancellationToken cancellationToken) =>
        await RunAsync("probe", connection => connection.Command("SELECT version FROM tessera_schema WHERE component = 'sessions'").ExecuteScalar(), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken) =>
        RunAsync("read key check", connection =>
            _schemaVersion < 2 ? null : connection.Command("SELECT value FROM tessera_settings WHERE name = 'key_check'").ExecuteScalar() as byte[],
            cancellationToken);

    /// <inheritdoc />
    public ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        return WriteAsync("write key check", connection =>
        {
            if (_schemaVersion < 2)
            {
                throw new InvalidOperationException($"the database is at schema version {_schemaVersion}: only the application migrates it");
            }

            var command = connection.Command(expected is null
                ? "INSERT INTO tessera_settings (name, value) VALUES ('key_check', $value) ON CONFLICT (name) DO NOTHING"
                : "UPDATE tessera_settings SET value = $value WHERE name = 'key_check' AND value = $expected");
            command.Parameters.AddWithValue("$value", value);
            command.Parameters.AddWithValue("$expected", (object?)expected ?? DBNull.Value);
            return command.ExecuteNonQuery() == 1;
        }, cancellationToken);
    }

    /// <summary>A record from <c>key, version, expires_at, user_tag, listing, data</c>; <see langword="null"/> (logged) when the row is unreadable.</summary>
    private SessionRecord? ReadRecord(SqliteDataReader reader)
    {
        if (reader.GetValue(0) is not byte[] { Length: SessionKey.Length } key)
        {
            Log.UnreadableRow(_logger, reader.GetValue(0) is byte[] bytes ? Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(6, bytes.Length))) : "?", "the key is not 32 bytes");
            return null;
        }

        return ReadRecord(SessionKey.FromBytes(key), reader, 1);
    }

    /// <summary>
    /// A record from <c>version, expires_at, user_tag, listing, data</c>, starting at column <paramref name="first"/>.
    /// A row the store cannot have written (an expiry no <see cref="DateTimeOffset"/> holds, a value of the wrong type:
    /// damage or a hand edit) is <see langword="null"/> with a warning, as a missing record, so the rest of the store
    /// stays usable; statistics and the sweep compare the stored numbers in SQL and never read it.
    /// </summary>
    private SessionRecord? ReadRecord(SessionKey key, SqliteDataReader reader, int first)
    {
        var expires = reader.GetValue(first + 1);
        var reason = expires is not long ms ? "the expiry is not an integer"
            : ms < MinUnixMilliseconds || ms > MaxUnixMilliseconds ? $"the expiry {ms} ms since 1970 is outside the dates a DateTimeOffset holds"
            : reader.GetValue(first) is not long ? "the version is not an integer"
            : reader.GetValue(first + 4) is not byte[] ? "the data is not a blob"
            : reader.GetValue(first + 2) is not (string or DBNull) ? "the user tag is not text"
            : reader.GetValue(first + 3) is not (byte[] or DBNull) ? "the listing is not a blob"
            : null;
        if (reason is not null)
        {
            Log.UnreadableRow(_logger, key.Fingerprint, reason);
            return null;
        }

        return new(
            key,
            reader.GetInt64(first),
            (byte[])reader.GetValue(first + 4),
            DateTimeOffset.FromUnixTimeMilliseconds((long)expires),
            reader.IsDBNull(first + 2) ? null : reader.GetString(first + 2),
            reader.IsDBNull(first + 3) ? default : (byte[])reader.GetValue(first + 3));
    }

    private static string[] DistinctTags(IReadOnlyCollection<string> userTags)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var tags = userTags.Distinct(StringComparer.Ordinal).ToArray();
        return tags.Length is > 0 and <= 100 ? tags : throw new ArgumentException("Give between 1 and 100 user tags (one per keyring secret).", nameof(userTags));
    }

    private static string TagParameters(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => "$tag" + i));

    private static void AddTags(SqliteCommand command, string[] tags)
    {
        for (var i = 0; i < tags.Length; i++)
        {
            command.Parameters.AddWithValue("$tag" + i, tags[i]);
        }
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private SqliteCommand Command(SqliteConnection connection, string sql)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.CommandTimeout = _commandTimeoutSeconds;
        return command;
    }

    /// <summary>Closes the store's idle connections.</summary>
    public void Dispose()
    {
        _disposed = true;
        _writeGate.Dispose();
        while (_idle.TryPop(out var connection))
        {
            Interlocked.Decrement(ref _idleCount);
            connection.Dispose();
        }
    }

    private ValueTask<T> WriteAsync<T>(string operation, Func<PooledConnection, T> action, CancellationToken cancellationToken)
    {
        // An uncontended gate completes at once, so a save pays no state machine; a contended one is awaited.
        var entered = _writeGate.WaitAsync(cancellationToken);
        return entered.IsCompletedSuccessfully ? WriteEntered(operation, action, cancellationToken) : WriteWhenEnteredAsync(entered, operation, action, cancellationToken);
    }

    private async ValueTask<T> WriteWhenEnteredAsync<T>(Task entered, string operation, Func<PooledConnection, T> action, CancellationToken cancellationToken)
    {
        await entered.ConfigureAwait(false);
        return await WriteEntered(operation, action, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs <paramref name="action"/> (synchronously: see RunAsync) with the gate entered, then leaves it.</summary>
    private ValueTask<T> WriteEntered<T>(string operation, Func<PooledConnection, T> action, CancellationToken cancellationToken)
    {
        ValueTask<T> result;
        try
        {
            result = RunAsync(operation, action, cancellationToken);
        }
        finally
        {
            _writeGate.Release();
        }

        CheckpointIfDue();
        return result;
    }

    /// <summary>
    /// After a commit, outside the gate: copies the WAL back into the database once enough commits may have filled
    /// about 1000 pages. SQLite's automatic checkpoint (off on this store's connections) would run it, fsyncs included,
    /// inside the commit that crossed the line, while this process's writers waited at the gate for it: about every
    /// 300 saves a pause for all of them (issue 13). Here the writer that makes it due runs it after leaving the gate,
    /// one at a time; a passive checkpoint lets readers and writers go on meanwhile.
    /// </summary>
    private void CheckpointIfDue()
    {
        if (Interlocked.Increment(ref _commitsSinceCheckpoint) < Volatile.Read(ref _checkpointCommits))
        {
            return;
        }

        try
        {
            if (TryCheckpoint(out var commits) is { } pages)
            {
                var next = (int)Math.Clamp(CheckpointPages * (long)commits / Math.Max(1, pages), 1, MaxCheckpointCommits);
                Volatile.Write(ref _checkpointCommits, next);
                Log.Checkpointed(_logger, commits, pages, next);
            }
        }
        catch (Exception e) when (e is SessionStoreException or ObjectDisposedException)
        {
            // The commit itself succeeded; the failure is logged, and a later commit tries again.
        }
    }

    /// <summary>
    /// A passive checkpoint, unless one is running already (then <see langword="null"/>): copies the WAL back into the
    /// database without waiting for readers or writers (they go on meanwhile); returns the pages the WAL held, and how
    /// many commits had come since the last one.
    /// </summary>
    private long? TryCheckpoint(out int commits)
    {
        commits = 0;
        if (Interlocked.CompareExchange(ref _checkpointing, 1, 0) != 0)
        {
            return null;
        }

        try
        {
            commits = Interlocked.Exchange(ref _commitsSinceCheckpoint, 0);
            return Run("checkpoint", static connection =>
            {
                using var reader = connection.Command("PRAGMA wal_checkpoint(PASSIVE)").ExecuteReader();
                return reader.Read() ? reader.GetInt64(1) : 0; // busy, log pages, checkpointed pages
            }, CancellationToken.None);
        }
        finally
        {
            Volatile.Write(ref _checkpointing, 0);
        }
    }

    // Microsoft.Data.Sqlite has no true asynchronous I/O: its async methods run synchronously. Calling the
    // synchronous API directly avoids the task overhead on every request.
    // The store keeps its own small pool of open connections, each with its compiled statements, because
    // Microsoft.Data.Sqlite compiles a statement per command object: re-preparing on every request costs more
    // than the query.
    private ValueTask<T> RunAsync<T>(string operation, Func<PooledConnection, T> action, CancellationToken cancellationToken) =>
        ValueTask.FromResult(Run(operation, action, cancellationToken));

    private T Run<T>(string operation, Func<PooledConnection, T> action, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ObjectDisposedException.ThrowIf(_disposed, this);
        try
        {
            if (!_schemaReady)
            {
                EnsureSchema();
            }

            PooledConnection connection;
            if (_idle.TryPop(out var idle))
            {
                Interlocked.Decrement(ref _idleCount);
                connection = idle;
            }
            else
            {
                connection = new PooledConnection(Open(), _commandTimeoutSeconds);
            }

            T result;
            try
            {
                result = action(connection);
            }
            catch
            {
                // A connection that failed mid-statement is not reused.
                connection.Dispose();
                throw;
            }

            if (_disposed)
            {
                connection.Dispose();
            }
            else if (Interlocked.Increment(ref _idleCount) > MaxIdleConnections)
            {
                Interlocked.Decrement(ref _idleCount);
                connection.Dispose();
            }
            else
            {
                _idle.Push(connection);
            }

            return result;
        }
        catch (SqliteException e)
        {
            Log.Failed(_logger, operation, e);
            throw new SessionStoreException(Name, $"{operation} failed: {e.Message}", e);
        }
        catch (InvalidOperationException e)
        {
            Log.Failed(_logger, operation, e);
            throw new SessionStoreException(Name, $"{operation} failed: {e.Message}", e);
        }
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            connection.Open();
            using var pragma = connection.CreateCommand();
            pragma.CommandText = _connectionPragmas;
            pragma.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private void EnsureSchema()
    {
        lock (_schemaGate)
        {
            if (_schemaReady)
            {
                return;
            }

            if (_createSchema)
            {
                CreateOrMigrateSchema();
            }
            else
            {
                ReadExistingSchema();
            }

            _schemaReady = true;
        }
    }

    private void CreateOrMigrateSchema()
    {
        using var connection = Open();
        using (var wal = Command(connection, "PRAGMA journal_mode = WAL;"))
        {
            wal.ExecuteNonQuery();
        }

        using var transaction = connection.BeginTransaction(deferred: false);
        using (var create = Command(connection, "CREATE TABLE IF NOT EXISTS tessera_schema (component TEXT PRIMARY KEY NOT NULL, version INTEGER NOT NULL);"))
        {
            create.Transaction = transaction;
            create.ExecuteNonQuery();
        }

        var from = ReadVersion(connection, transaction) ?? 0;
        CheckNotNewer(from);
        for (var version = from + 1; version <= SchemaVersion; version++)
        {
            using var migrate = Command(connection, Migrations[version - 1] + "INSERT INTO tessera_schema (component, version) VALUES ('sessions', $version) ON CONFLICT (component) DO UPDATE SET version = excluded.version;");
            migrate.Transaction = transaction;
            migrate.Parameters.AddWithValue("$version", version);
            migrate.ExecuteNonQuery();
        }

        transaction.Commit();
        if (from != SchemaVersion)
        {
            Log.SchemaCreated(_logger, SchemaVersion);
        }

        _schemaVersion = SchemaVersion;
    }

    /// <summary>Operator mode: the database and its tables must exist already; nothing is created or migrated.</summary>
    private void ReadExistingSchema()
    {
        SqliteConnection connection;
        try
        {
            connection = Open();
        }
        catch (SqliteException e) when (e.SqliteErrorCode == 14)
        {
            throw new SessionStoreException(Name, $"the database '{_dataSource}' does not exist or cannot be opened (it is never created here)", e);
        }

        using (connection)
        {
            using var exists = Command(connection, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'tessera_schema';");
            var version = (long)exists.ExecuteScalar()! == 0 ? null : ReadVersion(connection, null);
            if (version is null)
            {
                throw new SessionStoreException(Name, $"the database '{_dataSource}' holds no Tessera sessions (no tessera_schema table): is it the application's database?", null);
            }

            CheckNotNewer(version.Value);
            _schemaVersion = version.Value;
        }
    }

    private int? ReadVersion(SqliteConnection connection, SqliteTransaction? transaction)
    {
        using var read = Command(connection, "SELECT version FROM tessera_schema WHERE component = 'sessions';");
        read.Transaction = transaction;
        return read.ExecuteScalar() is long version ? (int)version : null;
    }

    private void CheckNotNewer(int version)
    {
        if (version > SchemaVersion)
        {
            throw new SessionStoreException(Name, $"the database holds session schema version {version}; this Tessera reads versions up to {SchemaVersion}. Upgrade Tessera or use another database file.", null);
        }
    }

    /// <summary>An open connection and the commands compiled on it, reused across requests.</summary>
    private sealed class PooledConnection(SqliteConnection connection, int commandTimeoutSeconds) : IDisposable
    {
        private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

        /// <summary>The command for <paramref name="sql"/>, compiled once per connection, with no parameters.</summary>
        public SqliteCommand Command(string sql)
        {
            if (!_commands.TryGetValue(sql, out var command))
            {
                command = connection.CreateCommand();
                command.CommandText = sql;
                command.CommandTimeout = commandTimeoutSeconds;
                _commands[sql] = command;
            }

            command.Parameters.Clear();
            return command;
        }

        public void Dispose()
        {
            foreach (var command in _commands.Values)
            {
                command.Dispose();
            }

            connection.Dispose();
        }
    }
}
