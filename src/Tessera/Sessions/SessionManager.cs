using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Tessera.Diagnostics;
using Tessera.Keys;
using Tessera.Stores;

namespace Tessera.Sessions;

/// <summary>
/// Loads, saves (merging key by key when another request saved first), signs in and out, checks and rotates
/// server-side sessions over an <see cref="ISessionStore"/>. Listing and revoking a user's sessions is
/// <see cref="UserSessionDirectory"/>'s job. Thread-safe; one instance serves the whole application.
/// </summary>
/// <remarks>
/// The store sees only <see cref="SessionKey"/> (a hash of the cookie's lookup id), a version, an expiry time,
/// data sealed under a key derived from the cookie's data key, and for signed-in sessions a keyed hash of the
/// user id plus a listing sealed with a server key from the <see cref="Keyring"/>.
/// </remarks>
public sealed class SessionManager : IDisposable
{
    private readonly ISessionStore _store;
    private readonly SessionManagerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly TesseraMetrics _metrics;
    private readonly SessionCipherCache _ciphers;
    private readonly SessionOpener _opener;
    private readonly SessionWriter _writer;

    /// <summary>Creates a manager.</summary>
    /// <param name="store">Where records live.</param>
    /// <param name="options">Timeouts and policies; validated here.</param>
    /// <param name="keyring">Server secrets: the user index tag and the sealed session listing are derived from them (newest writes, all read).</param>
    /// <param name="timeProvider">The clock; <see cref="TimeProvider.System"/> when null.</param>
    /// <param name="logger">Where verdicts and conflicts are logged.</param>
    /// <param name="meterFactory">Where the <c>Tessera</c> meter that counts verdicts comes from (the application's, with dependency injection); a process-wide meter when null.</param>
    /// <exception cref="ArgumentOutOfRangeException">An option is out of range.</exception>
    public SessionManager(ISessionStore store, SessionManagerOptions options, Keyring keyring, TimeProvider? timeProvider = null, ILogger<SessionManager>? logger = null, IMeterFactory? meterFactory = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(keyring);
        options.Validate();
        _store = store;
        _options = options;
        _time = timeProvider ?? TimeProvider.System;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        _metrics = TesseraMetrics.For(meterFactory);
        _ciphers = new SessionCipherCache(options.CipherCacheSize);
        _opener = new SessionOpener(options, _time, _logger, _ciphers);
        _writer = new SessionWriter(store, options, _time, _logger, new SessionRecordCodec(keyring), new StoreKeyCheck(keyring), _metrics);
    }

    /// <summary>The store behind this manager.</summary>
    public ISessionStore Store => _store;

    /// <summary>The options in force.</summary>
    public SessionManagerOptions Options => _options;

    /// <summary>The contexts kept for sessions' next requests.</summary>
    internal SessionCipherCache Ciphers => _ciphers;

    /// <summary>
    /// Opens the session a cookie names, or starts a new one. Never throws on client input: a cookie that does not
    /// open yields a new session whose <see cref="ServerSession.Verdict"/> says why. A presented cookie is traced as a
    /// <c>tessera.session.load</c> span and its verdict counted once (<c>tessera.session.loads</c>).
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed; fail the request closed.</exception>
    public async ValueTask<ServerSession> LoadAsync(string? cookieValue, SessionClientInfo client, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (string.IsNullOrEmpty(cookieValue))
        {
            return _opener.New(SessionLoadVerdict.NoCookie, client);
        }

        using var activity = TesseraMeter.ActivitySource.StartActivity("tessera.session.load");
        try
        {
            var session = await LoadPresentedAsync(cookieValue, client, cancellationToken).ConfigureAwait(false);
            activity?.SetTag("tessera.session.verdict", EnumTag<SessionLoadVerdict>.Of(session.Verdict));
            return session;
        }
        catch (Exception exception) when (TesseraMeter.Failed(activity, exception))
        {
            throw;
        }
    }

    private async ValueTask<ServerSession> LoadPresentedAsync(string cookieValue, SessionClientInfo client, CancellationToken cancellationToken)
    {
        if (!SessionHandle.TryParse(cookieValue, out var handle))
        {
            return Counted(_opener.Reject(SessionLoadVerdict.Malformed, "-", client));
        }

        var record = await _store.LoadAsync(handle!.Key, cancellationToken).ConfigureAwait(false);
        return Open(handle, record, client);
    }

    // Every presented cookie's verdict is counted once, here, whether it was opened at load or on first use.
    private ServerSession Counted(ServerSession session)
    {
        if (_metrics.SessionLoads.Enabled)
        {
            _metrics.SessionLoads.Add(1, new KeyValuePair<string, object?>("tessera.session.verdict", EnumTag<SessionLoadVerdict>.Of(session.Verdict)));
        }

        return session;
    }

    /// <summary>
    /// The I/O half of <see cref="LoadAsync"/>: reads the record stored under <paramref name="handle"/>'s key, traced as
    /// a <c>tessera.session.load</c> span; <see cref="Open"/> does the rest (and counts the verdict) when the session
    /// is first used.
    /// </summary>
    /// <param name="handle">The handle parsed from the cookie.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <exception cref="SessionStoreException">The store could not be read.</exception>
    public ValueTask<SessionRecord?> ReadAsync(SessionHandle handle, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(handle);

        // With no span listener, the read is the store's own call (no state machine of ours around it).
        return TesseraMeter.ActivitySource.HasListeners()
            ? TracedReadAsync(handle.Key, cancellationToken)
            : _store.LoadAsync(handle.Key, cancellationToken);
    }

    private async ValueTask<SessionRecord?> TracedReadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        using var activity = TesseraMeter.ActivitySource.StartActivity("tessera.session.load");
        try
        {
            return await _store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (TesseraMeter.Failed(activity, exception))
        {
            throw;
        }
    }

    /// <summary>
    /// The CPU half of <see cref="LoadAsync"/>, for a record already read from the store under
    /// <paramref name="handle"/>'s key: derives the data key, decrypts, parses and checks expiry and client IP. Never
    /// does I/O, so a caller may read the record before a request and open it only when the session is first used.
    /// Never throws on client input: a record that does not open yields a new session whose
    /// <see cref="ServerSession.Verdict"/> says why.
    /// </summary>
    /// <param name="handle">The handle parsed from the cookie.</param>
    /// <param name="record">What the store returned for <c>handle.Key</c>; null when it had nothing.</param>
    /// <param name="client">The requesting client.</param>
    public ServerSession Open(SessionHandle handle, SessionRecord? record, SessionClientInfo client) => Counted(_opener.Open(handle, record, client));

    /// <summary>
    /// Whether a request that never used its session should still open it at the end, because its idle expiry may
    /// be due to be extended (see <see cref="SessionManagerOptions.TouchInterval"/>). Judged from the record's
    /// plaintext expiry alone, without decrypting: false only when the record expires later than
    /// <c>now + IdleTimeout - TouchInterval</c> and no later than <c>now + IdleTimeout</c>, which for the default
    /// idle timeout (or a shorter per-session one) means the last recorded activity is less than
    /// <see cref="SessionManagerOptions.TouchInterval"/> old. A record expiring further out (a longer per-session idle
    /// timeout) always answers true, so a touch is never skipped early; opening then decides exactly.
    /// </summary>
    public bool MayNeedTouch(SessionRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        return SessionExpiry.MayNeedTouch(record.ExpiresAt, _time.GetUtcNow(), _options);
    }

    /// <summary>
    /// Saves the session if it changed (or its idle expiry is due to be extended). A save that lost a race is
    /// reloaded and this request's changes are re-applied key by key (set, remove, clear), up to
    /// <see cref="SessionManagerOptions.MaxMergeAttempts"/> times. A commit that writes is traced as a
    /// <c>tessera.session.commit</c> span.
    /// </summary>
    /// <returns>The cookie to set or clear.</returns>
    /// <exception cref="SessionConflictException">The changes could not be merged; they were not saved.</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<SessionCommitResult> CommitAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        try
        {
            return await CommitCoreAsync(session, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            // The request is over for this session: a stored session's own cipher (a cache miss, or a new or rotated
            // handle) waits for its next request; a cached one stays where it is (a later use of this object, rare,
            // creates a new one).
            if (!session.IsNew && session.TakeCipher() is { } cipher)
            {
                _ciphers.Keep(session.Handle, session.DataKey, cipher);
            }

            session.ReleaseCipher();
        }
    }

    private async ValueTask<SessionCommitResult> CommitCoreAsync(ServerSession session, CancellationToken cancellationToken)
    {
        if (session.IsNew && !session.IsModified)
        {
            return session.ClearCookieRequested ? new SessionCommitResult(null, true, null) : SessionCommitResult.Unchanged;
        }

        if (!session.IsNew && !session.IsModified && !session.NeedsTouch)
        {
            if (!session.HandleChanged)
            {
                return SessionCommitResult.Unchanged;
            }

            session.MarkCookieIssued();
            return new SessionCommitResult(session.Handle.ToCookieValue(), false, SessionExpiry.ExpiresAt(session.State, _options));
        }

        using var activity = TesseraMeter.ActivitySource.StartActivity("tessera.session.commit");
        try
        {
            return await _writer.SaveAsync(session, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (TesseraMeter.Failed(activity, exception))
        {
            throw;
        }
    }

    /// <summary>
    /// Signs a user in: records the user id, the user's current check value (see <see cref="CheckAsync"/>) and
    /// optional extras, then rotates the handle (new id and key, data carried over, old record deleted) so a
    /// cookie obtained before sign-in is worthless. The session is saved at once; set the cookie from
    /// <see cref="CommitAsync"/>.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask SignInAsync(ServerSession session, string userId, string checkValue, JsonObject? extras = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentException.ThrowIfNullOrEmpty(userId);
        ArgumentNullException.ThrowIfNull(checkValue);
        SessionJson.ThrowIfNotStorable("(user id)", userId);
        if (extras is not null)
        {
            SessionJson.ThrowIfNotStorable("(sign-in extras)", extras);
        }

        session.MarkSignedIn(userId, CheckValueHash.Compute(checkValue), extras);
        await RotateAsync(session, cancellationToken).ConfigureAwait(false);
        SessionLog.SignedIn(_logger, session.Fingerprint);
    }

    /// <summary>
    /// Signs out: deletes the stored record and resets <paramref name="session"/> to a new, empty, anonymous one;
    /// <see cref="CommitAsync"/> then tells the caller to clear the cookie (unless the new session gets data).
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask SignOutAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var fingerprint = session.Fingerprint;
        await ResetAsync(session, cancellationToken).ConfigureAwait(false);
        SessionLog.SignedOut(_logger, fingerprint);
    }

    /// <summary>
    /// Checks a signed-in session against the user's current check value (which the application changes when
    /// the password or account state changes). On a mismatch the session is deleted and reset, and false returned.
    /// Also false (without reset) for an anonymous session.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask<bool> CheckAsync(ServerSession session, string currentCheckValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(currentCheckValue);
        if (session.State.UserId is null || session.State.CheckHash is null)
        {
            return false;
        }

        if (CheckValueHash.Matches(session.State.CheckHash, currentCheckValue))
        {
            return true;
        }

        SessionLog.CheckFailed(_logger, session.Fingerprint);
        await ResetAsync(session, cancellationToken).ConfigureAwait(false);
        return false;
    }

    /// <summary>
    /// Keeps this session signed in across a deliberate change of the user's check value (a password change made
    /// in this session): stores <paramref name="newCheckValue"/> and rotates the handle. Every other session of
    /// the user still holds the old value and fails its next <see cref="CheckAsync"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The session is not signed in.</exception>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask KeepLoginAsync(ServerSession session, string newCheckValue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(newCheckValue);
        if (!session.IsAuthenticated)
        {
            throw new InvalidOperationException("KeepLoginAsync needs a signed-in session; call SignInAsync first.");
        }

        session.MarkCheckValueChanged(CheckValueHash.Compute(newCheckValue));
        await RotateAsync(session, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives the session a new handle (new id and key), saving its data under the new key and deleting the old
    /// record. A request still holding the old handle gets <see cref="SessionConflictException"/> on its next save.
    /// </summary>
    /// <exception cref="SessionStoreException">The store failed.</exception>
    public async ValueTask RotateAsync(ServerSession session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var oldKey = session.Handle.Key;
        var wasStored = !session.IsNew;
        session.UseHandle(SessionHandle.Create());
        session.MarkAccessed(_time.GetUtcNow().ToUnixTimeMilliseconds());
        await _writer.SaveUnderNewHandleAsync(session, cancellationToken).ConfigureAwait(false);
        if (wasStored)
        {
            await _store.DeleteAsync(oldKey, cancellationToken).ConfigureAwait(false);
            _ciphers.Forget(oldKey);
        }
        else
        {
            _metrics.SessionsCreated.Add(1);
        }
    }

    /// <summary>
    /// Frees the AES-GCM contexts cached for sessions' next requests (see
    /// <see cref="SessionManagerOptions.CipherCacheSize"/>); a request still in flight keeps working and frees its own.
    /// The manager stays usable, without the cache. The dependency injection container calls this at shutdown.
    /// </summary>
    public void Dispose() => _ciphers.Dispose();

    private async ValueTask ResetAsync(ServerSession session, CancellationToken cancellationToken)
    {
        if (!session.IsNew)
        {
            await _store.DeleteAsync(session.Handle.Key, cancellationToken).ConfigureAwait(false);
            _ciphers.Forget(session.Handle.Key);
        }

        session.Reset(SessionHandle.Create(), _opener.FreshState(session.Client));
    }
}
