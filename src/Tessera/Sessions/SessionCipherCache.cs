using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Tessera.Sessions;

/// <summary>
/// Keeps the derived data key and the AES-GCM context of recently saved sessions between requests, so a session's
/// next request skips the key derivation (one HMAC) and the cipher set-up. An entry is taken out while a request uses
/// it (an <see cref="AesGcm"/> is not safe for concurrent use) and put back when the request commits; a request only
/// gets an entry by presenting the cookie's own data key (compared in constant time), so knowing a store key or a
/// lookup id alone opens nothing. Bounded: when full, a returned entry evicts an arbitrary idle one.
/// </summary>
/// <remarks>
/// Cost and trade-off: about 1 KB per entry (mostly OpenSSL's cipher context), so 4 MB for the default 4096; and
/// while cached, the data keys of recently active sessions are in server memory, which the design otherwise keeps only
/// in the cookie (a memory dump could read those sessions' records; it could also read the plaintext of any request in
/// flight). A copy of the store alone still opens nothing. <see cref="SessionManagerOptions.CipherCacheSize"/> = 0
/// turns it off.
/// </remarks>
internal sealed class SessionCipherCache(int capacity)
{
    private readonly ConcurrentDictionary<SessionKey, Entry> _idle = new();
    private int _count;

    /// <summary>Takes the cached key and cipher for <paramref name="handle"/>, if any and if the cookie key matches.</summary>
    public bool TryTake(SessionHandle handle, out byte[] dataKey, out AesGcm cipher)
    {
        if (capacity > 0 && _idle.TryRemove(handle.Key, out var entry))
        {
            Interlocked.Decrement(ref _count);
            if (CryptographicOperations.FixedTimeEquals(entry.CookieKey, handle.DataKey))
            {
                (dataKey, cipher) = (entry.DataKey, entry.Cipher);
                return true;
            }

            entry.Cipher.Dispose(); // the same lookup id with another key: not this session's cookie
        }

        (dataKey, cipher) = (null!, null!);
        return false;
    }

    /// <summary>Puts a session's key and cipher back for its next request (or disposes the cipher when off).</summary>
    public void Return(SessionHandle handle, byte[] dataKey, AesGcm cipher)
    {
        if (capacity <= 0)
        {
            cipher.Dispose();
            return;
        }

        if (Volatile.Read(ref _count) >= capacity)
        {
            // The dictionary's enumerator takes no locks (its Keys property would lock and copy every entry).
            foreach (var pair in _idle)
            {
                if (_idle.TryRemove(pair.Key, out var evicted))
                {
                    Interlocked.Decrement(ref _count);
                    evicted.Cipher.Dispose();
                    break;
                }
            }
        }

        if (_idle.TryAdd(handle.Key, new Entry(handle.DataKey.ToArray(), dataKey, cipher)))
        {
            Interlocked.Increment(ref _count);
        }
        else
        {
            cipher.Dispose(); // a concurrent request on the same session put its own back first
        }
    }

    private sealed record Entry(byte[] CookieKey, byte[] DataKey, AesGcm Cipher);
}
