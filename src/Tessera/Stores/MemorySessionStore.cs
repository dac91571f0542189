using System.Collections.Concurrent;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// Keeps session records in process memory: for tests and single-process applications. Records are lost when
/// the process ends. Implements the user index, sweeping and statistics.
/// </summary>
public sealed class MemorySessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck
{
    private readonly ConcurrentDictionary<SessionKey, SessionRecord> _records = new();
    private readonly Lock _writeLock = new();
    private readonly TimeProvider _time;
    private byte[]? _keyCheck;

    /// <summary>Creates an empty store.</summary>
    /// <param name="timeProvider">The clock that decides expiry; <see cref="TimeProvider.System"/> when null.</param>
    public MemorySessionStore(TimeProvider? timeProvider = null)
    {
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name => "memory";

    /// <summary>Number of records held, expired ones included.</summary>
    public int Count => _records.Count;

    /// <summary>A snapshot of every record held (expired ones included), for tests and diagnostics.</summary>
    public IReadOnlyList<SessionRecord> GetRecords() => [.. _records.Values];

    /// <inheritdoc />
    public ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.FromResult(_records.TryGetValue(key, out var record) && record.ExpiresAt > _time.GetUtcNow() ? record : null);
    }

    /// <inheritdoc />
    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        cancellationToken.ThrowIfCancellationRequested();
        var now = _time.GetUtcNow();
        lock (_writeLock)
        {
            var live = _records.TryGetValue(record.Key, out var existing) && existing.ExpiresAt > now ? existing : null;
            if ((live?.Version ?? 0) != expectedVersion)
            {
                return ValueTask.FromResult(SaveResult.Conflict);
            }

            _records[record.Key] = record;
            return ValueTask.FromResult(SaveResult.Saved);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            _records.TryRemove(key, out _);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        var now = _time.GetUtcNow();
        IReadOnlyList<SessionRecord> list = [.. _records.Values.Where(r => r.ExpiresAt > now && string.Equals(r.UserTag, userTag, StringComparison.Ordinal))];
        return ValueTask.FromResult(list);
    }

    /// <inheritdoc />
    public ValueTask<int> DeleteByUserAsync(string userTag, SessionKey? except, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        var now = _time.GetUtcNow();
        var count = 0;
        lock (_writeLock)
        {
            foreach (var record in _records.Values)
            {
                if (string.Equals(record.UserTag, userTag, StringComparison.Ordinal) && record.Key != except && _records.TryRemove(record.Key, out _) && record.ExpiresAt > now)
                {
                    count++;
                }
            }
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var count = 0;
        lock (_writeLock)
        {
            foreach (var record in _records.Values)
            {
                if (record.ExpiresAt <= now && _records.TryRemove(record.Key, out _))
                {
                    count++;
                }
            }
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public ValueTask<SessionStoreStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        long live = 0, expired = 0;
        foreach (var record in _records.Values)
        {
            if (record.ExpiresAt > now)
            {
                live++;
            }
            else
            {
                expired++;
            }
        }

        return ValueTask.FromResult(new SessionStoreStatistics(live, expired));
    }

    /// <inheritdoc />
    public ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            return ValueTask.FromResult(_keyCheck?.ToArray());
        }
    }

    /// <inheritdoc />
    public ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(value);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            if (expected is null ? _keyCheck is not null : _keyCheck is null || !_keyCheck.AsSpan().SequenceEqual(expected))
            {
                return ValueTask.FromResult(false);
            }

            _keyCheck = value.ToArray();
            return ValueTask.FromResult(true);
        }
    }
}
