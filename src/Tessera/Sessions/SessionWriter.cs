using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Tessera.Diagnostics;
using Tessera.Stores;

namespace Tessera.Sessions;

/// <summary>
/// Writes sessions to the store: seals the record, saves it at the version it was read at and, when another request
/// saved first, reloads, merges (<see cref="SessionMerger"/>) and retries. The first save also records the store's
/// key-check value (see <see cref="StoreKeyCheck"/>).
/// </summary>
internal sealed class SessionWriter(ISessionStore store, SessionManagerOptions options, TimeProvider time, ILogger logger, SessionRecordCodec codec, StoreKeyCheck keyCheck, TesseraMetrics metrics)
{
    private volatile bool _keyCheckRecorded;

    /// <summary>Saves the changed session, merging key by key when another request saved it first.</summary>
    /// <exception cref="SessionConflictException">Still conflicting after <see cref="SessionManagerOptions.MaxMergeAttempts"/>, or the record is gone or no longer opens.</exception>
    public async ValueTask<SessionCommitResult> SaveAsync(ServerSession session, CancellationToken cancellationToken)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        for (var attempt = 1; ; attempt++)
        {
            session.MarkAccessed(nowMs);
            var wasNew = session.IsNew;
            var plaintext = session.State.Serialize((session.OriginalPlaintext?.Length ?? 192) + 64);
            var record = Seal(session, plaintext, session.StoredVersion + 1);
            var result = await SaveRecordAsync(record, session.StoredVersion, cancellationToken).ConfigureAwait(false);
            if (result == SaveResult.Saved)
            {
                session.MarkCommitted(record.Version, plaintext);
                if (wasNew)
                {
                    metrics.SessionsCreated.Add(1);
                }

                return new SessionCommitResult(session.Handle.ToCookieValue(), false, record.ExpiresAt);
            }

            metrics.SessionConflicts.Add(1);
            if (wasNew)
            {
                throw Conflict(session, "a record already exists under a freshly generated key");
            }

            if (attempt >= options.MaxMergeAttempts)
            {
                throw Conflict(session, $"still conflicting after {attempt} attempts");
            }

            SessionLog.Merging(logger, session.Fingerprint, attempt);
            if (attempt > 1)
            {
                // Writers that keep colliding wait a short random time (1 ms up to 63 ms, growing with each attempt)
                // so they stop retrying in lockstep. The first retry is immediate: most races end there.
                var maxMs = 1 << Math.Min(attempt, 6);
                await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(1, maxMs)), time, cancellationToken).ConfigureAwait(false);
            }

            var current = await store.LoadAsync(session.Handle.Key, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                throw Conflict(session, "another request deleted the session or it expired (signed out, revoked or reset)");
            }

            byte[]? currentPlaintext;
            using (var lease = session.RentCipher())
            {
                currentPlaintext = SessionRecordCodec.OpenData(lease.Cipher, current);
            }

            var theirs = currentPlaintext is null ? null : SessionState.Parse(currentPlaintext);
            if (theirs is null)
            {
                throw Conflict(session, "the stored record no longer opens with this session's key");
            }

            session.Rebase(SessionMerger.Merge(session.State, session.Changes, theirs), current.Version, currentPlaintext!);
        }
    }

    /// <summary>Saves a session under the fresh handle it was just given, as version 1.</summary>
    /// <exception cref="SessionConflictException">A record already exists under that key.</exception>
    public async ValueTask SaveUnderNewHandleAsync(ServerSession session, CancellationToken cancellationToken)
    {
        var plaintext = session.State.Serialize();
        var record = Seal(session, plaintext, 1);
        if (await SaveRecordAsync(record, 0, cancellationToken).ConfigureAwait(false) != SaveResult.Saved)
        {
            throw Conflict(session, "a record already exists under a freshly generated key");
        }

        session.MarkSaved(1, plaintext);
    }

    private static SessionConflictException Conflict(ServerSession session, string reason) =>
        new($"Session {session.Fingerprint} could not be saved: {reason}. This request's changes were not stored.");

    private SessionRecord Seal(ServerSession session, byte[] plaintext, long version) =>
        codec.Seal(session, plaintext, version, SessionExpiry.ExpiresAt(session.State, options), options.RecordClientInfo);

    private async ValueTask<SaveResult> SaveRecordAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        if (!_keyCheckRecorded)
        {
            if (await keyCheck.RecordAsync(store, cancellationToken).ConfigureAwait(false) == StoreKeyVerdict.Mismatch)
            {
                SessionLog.StoreKeyMismatch(logger, store.Name);
            }

            _keyCheckRecorded = true;
        }

        return await store.SaveAsync(record, expectedVersion, cancellationToken).ConfigureAwait(false);
    }
}
