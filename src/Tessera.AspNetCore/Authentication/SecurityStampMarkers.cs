using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Tessera.Sessions;

namespace Tessera.AspNetCore;

/// <summary>
/// The last security stamp seen for each user, kept in the session store as one small record per user: key and value
/// are keyed hashes (of the user id, and of user id and stamp) under keys derived from the newest Tessera secret, so the
/// store learns neither. Written at sign-in; read when Identity updates a user, to tell a stamp change (revoke the
/// user's other sessions) from any other update (a failed-login count, which must revoke nothing).
/// </summary>
/// <remarks>
/// No record (a user who never signed in through the ticket store, or a secret rotated since) means "unknown": nothing is
/// revoked, and the next sign-in records the stamp. Identity's own periodic stamp validation still applies.
/// </remarks>
internal sealed class SecurityStampMarkers
{
    private readonly SessionManager _manager;
    private readonly TimeProvider _time;
    private readonly IOptionsMonitor<TesseraTicketStoreOptions> _options;
    private readonly byte[] _keyKey;
    private readonly byte[] _valueKey;

    public SecurityStampMarkers(SessionManager manager, TesseraKeyring keyring, TimeProvider time, IOptionsMonitor<TesseraTicketStoreOptions> options)
    {
        _manager = manager;
        _time = time;
        _options = options;
        _keyKey = keyring.Keyring.DeriveKey(0, "tessera/ticket-stamp-key/v1");
        _valueKey = keyring.Keyring.DeriveKey(0, "tessera/ticket-stamp-value/v1");
    }

    /// <summary>True when a stamp is recorded for the user and differs from <paramref name="stamp"/>.</summary>
    public async ValueTask<bool> HasChangedAsync(string userId, string stamp, CancellationToken cancellationToken)
    {
        var record = await _manager.Store.LoadAsync(KeyOf(userId), cancellationToken).ConfigureAwait(false);
        return record is not null && !CryptographicOperations.FixedTimeEquals(record.Data.Span, ValueOf(userId, stamp));
    }

    /// <summary>Records the user's current stamp (a write only when it changed or the record is past half its life).</summary>
    public async ValueTask RecordAsync(string userId, string stamp, CancellationToken cancellationToken)
    {
        var key = KeyOf(userId);
        var value = ValueOf(userId, stamp);
        var lifetime = _options.CurrentValue.AbsoluteLifetime;
        var now = _time.GetUtcNow();
        for (var attempt = 0; attempt < 3; attempt++)
        {
            var current = await _manager.Store.LoadAsync(key, cancellationToken).ConfigureAwait(false);
            if (current is not null && CryptographicOperations.FixedTimeEquals(current.Data.Span, value) && current.ExpiresAt - now > lifetime / 2)
            {
                return;
            }

            // Outlives every session signed in until now: none lives longer than AbsoluteLifetime.
            var version = current?.Version ?? 0;
            var record = new SessionRecord(key, version + 1, value, now + lifetime);
            if (await _manager.Store.SaveAsync(record, version, cancellationToken).ConfigureAwait(false) == SaveResult.Saved)
            {
                return;
            }
        }
    }

    private SessionKey KeyOf(string userId) => SessionKey.FromLookupId(HMACSHA256.HashData(_keyKey, Encoding.UTF8.GetBytes(userId)));

    private byte[] ValueOf(string userId, string stamp) => HMACSHA256.HashData(_valueKey, Encoding.UTF8.GetBytes(userId + "\n" + stamp));
}
