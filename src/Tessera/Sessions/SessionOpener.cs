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
            return Reject(SessionLoadVerdict.NotFound, handle.Fingerprint, client);
        }

        if (record.Key != handle.Key)
        {
            throw new ArgumentException("The record was not read under this handle's key.", nameof(record));
        }

        if (!ciphers.TryTake(handle, out var dataKey, out var cipher))
        {
            dataKey = SessionSealer.DeriveDataKey(handle.DataKey);
            cipher = SessionSealer.CreateCipher(dataKey);
        }

        var plaintext = SessionRecordCodec.OpenData(cipher, record);
        var state = plaintext is null ? null : SessionState.Parse(plaintext);
        if (state is null)
        {
            cipher.Dispose();
            return Reject(plaintext is null ? SessionLoadVerdict.Undecryptable : SessionLoadVerdict.Corrupt, handle.Fingerprint, client);
        }

        // The store's own expiry is not trusted: a lax store or a replayed old record must not keep a session alive.
        var now = time.GetUtcNow();
        if (now >= SessionExpiry.ExpiresAt(state, options))
        {
            cipher.Dispose();
            return Reject(SessionLoadVerdict.Expired, handle.Fingerprint, client);
        }

        if (options.BindToClientIp && state.BoundIp is not null && !string.Equals(state.BoundIp, client.IpAddress, StringComparison.Ordinal))
        {
            SessionLog.IpMismatch(logger, handle.Fingerprint);
            cipher.Dispose();
            return Reject(SessionLoadVerdict.IpMismatch, handle.Fingerprint, client);
        }

        var needsTouch = now - DateTimeOffset.FromUnixTimeMilliseconds(state.AccessedMs) >= options.TouchInterval;
        return new ServerSession(handle, state, record.Version, client, dataKey, cipher, plaintext!, needsTouch);
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
