using System.Collections.Concurrent;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// Keeps session records in process memory: for tests and single-process applications. Records are lost when
/// the process ends. Implements the user index, sweeping and statistics.
/// </summary>
/// <remarks>
/// Loads never lock. Writes take one short lock, which also guards the per-user index (user tag to keys), so listing or
/// revoking one user's sessions costs that user's sessions, not the whole store. The sweep walks the records without the
/// lock and takes it once per 1000 deletions, so a save waits for one batch at most.
/// </remarks>
public sealed class MemorySessionStore : ISessionStore, IUserSessionIndex, IExpiredSessionSweeper, ISessionStoreStatistics, ISessionStoreKeyCheck, ISessionStoreProbe
{
    /// <summary>How many expired records the sweep deletes per hold of the write lock.</summary>
    private const int SweepBatchSize = 1000;

    private readonly ConcurrentDictionary<SessionKey, SessionRecord> _records = new();
    private readonly Dictionary<string, HashSet<SessionKey>> _byUser = new(StringComparer.Ordinal);
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

            if (existing is not null && !string.Equals(existing.UserTag, record.UserTag, StringComparison.Ordinal))
            {
                Unindex(existing);
            }

            _records[record.Key] = record;
            if (record.UserTag is { } tag)
            {
                if (!_byUser.TryGetValue(tag, out var keys))
                {
                    _byUser[tag] = keys = [];
                }

                keys.Add(record.Key);
            }

            return ValueTask.FromResult(SaveResult.Saved);
        }
    }

    /// <inheritdoc />
    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_writeLock)
        {
            if (_records.TryRemove(key, out var removed))
            {
                Unindex(removed);
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserAsync(string userTag, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTag);
        return ListByUserTagsAsync([userTag], cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<SessionRecord>> ListByUserTagsAsync(IReadOnlyCollection<string> userTags, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(userTags);
        var now = _time.GetUtcNow();
        var list = new List<SessionRecord>();
        foreach (var key in IndexedKeys(userTags))
        {
            if (_records.TryGetValue(key, out var record) && record.ExpiresAt > now && record.UserTag is { } tag && userTags.Contains(tag, StringComparer.Ordinal))
            {
                list.Add(record);
            }
        }

        return ValueTask.FromResult<IReadOnlyList<SessionRecord>>(list);
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
        ArgumentNullException.ThrowIfNull(userTags);
        var now = _time.GetUtcNow();
        var count = 0;
        lock (_writeLock)
        {
            foreach (var key in IndexedKeys(userTags))
            {
                if (key != except && _records.TryRemove(key, out var record))
                {
                    Unindex(record);
                    if (record.ExpiresAt > now)
                    {
                        count++;
                    }
                }
            }
        }

        return ValueTask.FromResult(count);
    }

    /// <inheritdoc />
    public async ValueTask<int> SweepAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var count = 0;
        var batch = new List<KeyValuePair<SessionKey, SessionRecord>>(SweepBatchSize);
        // Enumerating a ConcurrentDictionary takes no lock and tolerates concurrent writes.
        foreach (var entry in _records)
        {
            if (entry.Value.ExpiresAt <= now)
            {
                batch.Add(entry);
                if (batch.Count == SweepBatchSize)
                {
                    count += RemoveExpired(batch);
                    cancellationToken.ThrowIfCancellationRequested();
                    await Task.Yield();
                }
            }
        }

        return count + RemoveExpired(batch);
    }

    /// <inheritdoc />
    public ValueTask ProbeAsync(CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
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

    /// <summary>Removes the batch's records that are still the ones seen (a save since then wins), under one hold of the lock.</summary>
    private int RemoveExpired(List<KeyValuePair<SessionKey, SessionRecord>> batch)
    {
        var count = 0;
        lock (_writeLock)
        {
            foreach (var entry in batch)
            {
                if (_records.TryRemove(entry))
                {
                    Unindex(entry.Value);
                    count++;
                }
            }
        }

        batch.Clear();
        return count;
    }

    /// <summary>The keys indexed under any of the tags, copied under the lock.</summary>
    private List<SessionKey> IndexedKeys(IReadOnlyCollection<string> userTags)
    {
        var keys = new List<SessionKey>();
        lock (_writeLock)
        {
            foreach (var tag in userTags.Distinct(StringComparer.Ordinal))
            {
                if (_byUser.TryGetValue(tag, out var set))
                {
                    keys.AddRange(set);
                }
            }
        }

        return keys;
    }

    /// <summary>Drops <paramref name="record"/> from its user's index entry. Called under the write lock.</summary>
    private void Unindex(SessionRecord record)
    {
        if (record.UserTag is { } tag && _byUser.TryGetValue(tag, out var keys) && keys.Remove(record.Key) && keys.Count == 0)
        {
            _byUser.Remove(tag);
        }
    }
}
