using System.Security.Cryptography;
using Tessera.Keys;
using Tessera.Sessions;

namespace Tessera.Stores;

/// <summary>
/// The store's key-check value: HMAC-SHA256 of a fixed label under a key derived (HKDF) from a server secret. The
/// session manager records it with its first save (the newest secret's, replacing one written by an older secret
/// of its keyring, never one it does not recognise); operator tools verify theirs against it before acting.
/// </summary>
public sealed class StoreKeyCheck
{
    private const string Purpose = "tessera/store-key-check/v1";
    private static readonly byte[] Label = "Tessera session store key check"u8.ToArray();
    private readonly byte[][] _values;

    /// <summary>Computes the check value of each secret of <paramref name="keyring"/>.</summary>
    public StoreKeyCheck(Keyring keyring)
    {
        ArgumentNullException.ThrowIfNull(keyring);
        _values = [.. Enumerable.Range(0, keyring.Secrets.Count).Select(i => HMACSHA256.HashData(keyring.DeriveKey(i, Purpose), Label))];
    }

    /// <summary>Compares the store's value with this keyring's, reading only.</summary>
    /// <exception cref="SessionStoreException">The store could not be read.</exception>
    public async ValueTask<StoreKeyVerdict> VerifyAsync(ISessionStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is not ISessionStoreKeyCheck keyCheck)
        {
            return StoreKeyVerdict.NotSupported;
        }

        var stored = await keyCheck.ReadKeyCheckAsync(cancellationToken).ConfigureAwait(false);
        return stored is null ? StoreKeyVerdict.NotRecorded : IndexOf(stored) >= 0 ? StoreKeyVerdict.Matches : StoreKeyVerdict.Mismatch;
    }

    /// <summary>
    /// Makes the store's value the newest secret's when it has none or one of an older secret of this keyring; leaves a
    /// value it does not recognise alone and returns <see cref="StoreKeyVerdict.Mismatch"/>.
    /// </summary>
    /// <exception cref="SessionStoreException">The store could not be read or written.</exception>
    public async ValueTask<StoreKeyVerdict> RecordAsync(ISessionStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        if (store is not ISessionStoreKeyCheck keyCheck)
        {
            return StoreKeyVerdict.NotSupported;
        }

        // A compare-and-set that lost to another server is read again; a few rounds settle any race.
        for (var attempt = 0; attempt < 4; attempt++)
        {
            var stored = await keyCheck.ReadKeyCheckAsync(cancellationToken).ConfigureAwait(false);
            var index = stored is null ? int.MaxValue : IndexOf(stored);
            if (index == 0)
            {
                return StoreKeyVerdict.Matches;
            }

            if (index < 0)
            {
                return StoreKeyVerdict.Mismatch;
            }

            if (await keyCheck.ReplaceKeyCheckAsync(stored, _values[0], cancellationToken).ConfigureAwait(false))
            {
                return StoreKeyVerdict.Matches;
            }
        }

        throw new SessionStoreException(store.Name, "the key-check value kept changing while it was being recorded", null);
    }

    private int IndexOf(byte[] stored)
    {
        // Every value is compared (in fixed time), so timing does not tell which secret matched.
        var found = -1;
        for (var i = _values.Length - 1; i >= 0; i--)
        {
            if (CryptographicOperations.FixedTimeEquals(_values[i], stored))
            {
                found = i;
            }
        }

        return found;
    }
}
