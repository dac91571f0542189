using System.Security.Cryptography;
using Microsoft.Extensions.Logging;

namespace Tessera.Sessions;

/// <summary>
/// Turns what a request presented into a <see cref="ServerSession"/>: opens a stored record (data key, decryption,
/// parsing, expiry and client-IP checks) or starts a new session whose verdict says why. CPU only, never I/O, and
/// never throws on client input.
/// </summary>
internal sealed class SessionOpener(SessionManagerOptions options, TimeProvider time, ILogger logger, SessionCipherCache ciphers)
{
    /// <summary>Opens <paramref name="record"/> (read under <paramref name="handle"/>'s key; null when the store had nothing).</summary>
    public ServerSession Open(SessionHandle handle, SessionRecord? record, SessionClientInfo client)
    {
        ArgumentNullException.ThrowIfNull(handle);
        ArgumentNullException.ThrowIfNull(client);
        if (record is null)
        {
            // Revoked, swept or expired in the store: a cached entry for this cookie is of no more use.
            if (ciphers.Find(handle) is { } stale)
            {
                ciphers.Forget(handle.Key, stale);
            }

            return Reject(SessionLoadVerdict.NotFound, handle.Fingerprint, client);
        }

        if (record.Key != handle.Key)
        {
            throw new ArgumentException("The record was not read under this handle's key.", nameof(record));
        }

        var cached = ciphers.Find(handle);
        var dataKey = cached?.DataKey ?? SessionSealer.DeriveDataKey(handle.DataKey);
        AesGcm? cipher = null; // this request's own, when the cached one is missing or busy
        byte[]? plaintext;
        using (var lease = SessionCipherCache.Lease.Of(cached, ref cipher, dataKey))
        {
            plaintext = SessionRecordCodec.OpenData(lease.Cipher, record);
        }

        var state = plaintext is null ? null : SessionState.Parse(plaintext);
        if (state is null)
        {
            return Refuse(plaintext is null ? SessionLoadVerdict.Undecryptable : SessionLoadVerdict.Corrupt);
        }

        // The store's own expiry is not trusted: a lax store or a replayed old record must not keep a session alive.
        var now = time.GetUtcNow();
        if (now >= SessionExpiry.ExpiresAt(state, options))
        {
            return Refuse(SessionLoadVerdict.Expired);
        }

        if (options.BindToClientIp && state.BoundIp is not null && !string.Equals(state.BoundIp, client.IpAddress, StringComparison.Ordinal))
        {
            SessionLog.IpMismatch(logger, handle.Fingerprint);
            cipher?.Dispose();
            return Reject(SessionLoadVerdict.IpMismatch, handle.Fingerprint, client); // the session lives on: its cached entry stays
        }

        var needsTouch = now - DateTimeOffset.FromUnixTimeMilliseconds(state.AccessedMs) >= options.TouchInterval;
        return new ServerSession(handle, state, record.Version, client, dataKey, cached, cipher, plaintext!, needsTouch);

        // The record will never open for this cookie again: its cached entry is of no more use.
        ServerSession Refuse(SessionLoadVerdict verdict)
        {
            cipher?.Dispose();
            if (cached is not null)
            {
                ciphers.Forget(handle.Key, cached);
            }

            return Reject(verdict, handle.Fingerprint, client);
        }
    }

    /// <summary>A new, empty session (no cookie, or after sign-out) with <paramref name="verdict"/>.</summary>
    public ServerSession New(SessionLoadVerdict verdict, SessionClientInfo client) =>
        new(SessionHandle.Create(), FreshState(client), verdict, client);

    /// <summary>A presented cookie that did not open: logged (fingerprint only), answered with a new session.</summary>
    public ServerSession Reject(SessionLoadVerdict verdict, string fingerprint, SessionClientInfo client)
    {
        SessionLog.Rejected(logger, verdict, fingerprint);
        return New(verdict, client);
    }

    /// <summary>The state of a session beginning now for <paramref name="client"/>.</summary>
    public SessionState FreshState(SessionClientInfo client)
    {
        var nowMs = time.GetUtcNow().ToUnixTimeMilliseconds();
        return new SessionState
        {
            CreatedMs = nowMs,
            AccessedMs = nowMs,
            BoundIp = options.BindToClientIp ? client.IpAddress : null,
        };
    }
}
