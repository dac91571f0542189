using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Keys;

namespace Tessera.Sessions;

/// <summary>
/// A user's sessions across devices: lists them and revokes one, all, or all but the current one. Works only over a
/// store with a user index (<see cref="IUserSessionIndex"/>), which is checked when the directory is created, so a
/// directory that exists can always answer. Thread-safe; one instance serves the whole application.
/// </summary>
/// <remarks>
/// The store finds a user's records by a keyed hash of the user id (the user tag), never the id itself. During a key
/// rotation the user has one tag per keyring secret; each operation asks the index once with all of them.
/// </remarks>
public sealed class UserSessionDirectory
{
    private readonly ISessionStore _store;
    private readonly IUserSessionIndex _index;
    private readonly SessionRecordCodec _codec;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <summary>Creates a directory over <paramref name="store"/>'s user index.</summary>
    /// <param name="store">Where records live; must implement <see cref="IUserSessionIndex"/>.</param>
    /// <param name="keyring">The same secrets the <see cref="SessionManager"/> uses: user tags and listings are derived from them (newest writes, all read).</param>
    /// <param name="timeProvider">The clock that decides which sessions are live; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where revocations are logged (counts only).</param>
    /// <exception cref="ArgumentException"><paramref name="store"/> has no user index.</exception>
    public UserSessionDirectory(ISessionStore store, Keyring keyring, TimeProvider? timeProvider = null, ILogger<UserSessionDirectory>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(keyring);
        _index = store as IUserSessionIndex
            ?? throw new ArgumentException($"Session store '{store.Name}' has no user index (IUserSessionIndex): listing and revoking a user's sessions need a store that has one (SQLite, PostgreSQL, Redis, file or memory).", nameof(store));
        _store = store;
        _codec = new SessionRecordCodec(keyring);
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>Lists the live sessions of a user, most recently seen first. Never returns handles.</summary>
    /// <param name="userId">The user.</param>
    /// <param name="currentSession">The session asking, marked <see cref="UserSessionInfo.IsCurrent"/>; may be null.</param>
    /// <param name="cancellationToken">Cancels the store call.</param>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<IReadOnlyList<UserSessionInfo>> ListAsync(string userId, ServerSession? currentSession = null, CancellationToken cancellationToken = default)
    {
        var records = await ListRecordsAsync(userId, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        var list = new List<UserSessionInfo>(records.Count);
        foreach (var record in records)
        {
            if (record.ExpiresAt <= now)
            {
                continue;
            }

            var listing = _codec.OpenListing(record);
            list.Add(new UserSessionInfo(
                record.Key.Fingerprint,
                listing?.Created ?? DateTimeOffset.MinValue,
                listing?.LastSeen ?? DateTimeOffset.MinValue,
                record.ExpiresAt,
                listing?.Ip,
                listing?.UserAgent,
                currentSession is not null && currentSession.Handle.Key == record.Key));
        }

        list.Sort((a, b) => b.LastSeenAt.CompareTo(a.LastSeenAt));
        return list;
    }

    /// <summary>Revokes one session of a user, named by its fingerprint; false when the user has no such session.</summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<bool> RevokeAsync(string userId, string fingerprint, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(fingerprint);
        var records = await ListRecordsAsync(userId, cancellationToken).ConfigureAwait(false);
        foreach (var record in records)
        {
            if (string.Equals(record.Key.Fingerprint, fingerprint, StringComparison.OrdinalIgnoreCase))
            {
                await _store.DeleteAsync(record.Key, cancellationToken).ConfigureAwait(false);
                SessionLog.Revoked(_logger, 1);
                return true;
            }
        }

        return false;
    }

    /// <summary>Revokes every session of a user, or all but <paramref name="exceptCurrent"/>; returns how many.</summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<int> RevokeAllAsync(string userId, ServerSession? exceptCurrent = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        SessionKey? except = exceptCurrent is null || exceptCurrent.IsNew ? null : exceptCurrent.Handle.Key;
        var count = await _index.DeleteByUserTagsAsync(_codec.UserTags(userId), except, cancellationToken).ConfigureAwait(false);
        SessionLog.Revoked(_logger, count);
        return count;
    }

    /// <summary>The keyed hash the store indexes a user's new sessions under (newest secret): 64 lowercase hex characters.</summary>
    public string ComputeUserTag(string userId)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _codec.UserTag(userId);
    }

    private ValueTask<IReadOnlyList<SessionRecord>> ListRecordsAsync(string userId, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(userId);
        return _index.ListByUserTagsAsync(_codec.UserTags(userId), cancellationToken);
    }
}
