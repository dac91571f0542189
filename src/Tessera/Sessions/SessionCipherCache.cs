using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace Tessera.Sessions;

/// <summary>
/// Keeps the derived data key and the AES-GCM context of recently saved sessions between requests, so a session's
/// next request skips the key derivation (one HMAC) and the cipher set-up. Entries stay in place: a request finds its
/// session's entry with one lookup and holds the context only for each decrypt or encrypt
/// (<see cref="Entry.TryRent"/>, an <see cref="AesGcm"/> is not safe for concurrent use); a concurrent request on the
/// same session that finds it busy uses a context of its own. An entry is found only by presenting the cookie's own
/// data key (compared in constant time), so knowing a store key or a lookup id alone opens nothing. Bounded: when
/// full, a new entry evicts an idle one (or is not kept when none of the first few is idle).
/// </summary>
/// <remarks>
/// Cost and trade-off: about 1 KB per entry (mostly OpenSSL's cipher context), so 4 MB for the default 4096; and
/// while cached, the data keys of recently active sessions are in server memory, which the design otherwise keeps only
/// in the cookie (a memory dump could read those sessions' records; it could also read the plaintext of any request in
/// flight). A copy of the store alone still opens nothing. <see cref="SessionManagerOptions.CipherCacheSize"/> = 0
/// turns it off. A context is disposed by whoever holds it last: the cache when it gives up an idle entry, else the
/// request renting it when it hands it back.
/// </remarks>
internal sealed class SessionCipherCache(int capacity) : IDisposable
{
    // How many entries a full cache looks at for an idle one to evict before giving up on keeping the new one.
    private const int EvictionScan = 16;

    private readonly ConcurrentDictionary<SessionKey, Entry> _entries = new();
    private int _count;
    private volatile bool _disposed;

    /// <summary>The number of entries kept.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// The cached entry for <paramref name="handle"/> if there is one and the cookie key matches; rent its context
    /// for each use. No allocation.
    /// </summary>
    public Entry? Find(SessionHandle handle) =>
        capacity > 0 && !_disposed && _entries.TryGetValue(handle.Key, out var entry) && entry.Matches(handle) ? entry : null;

    /// <summary>
    /// Keeps a context a request created for <paramref name="handle"/>'s session (a cache miss, or a new or rotated
    /// handle) for its next request. Disposes it instead when the cache is off or disposed, the session already has
    /// an entry, or the cache is full of busy entries.
    /// </summary>
    public void Keep(SessionHandle handle, byte[] dataKey, AesGcm cipher)
    {
        if (capacity <= 0 || _disposed || _entries.ContainsKey(handle.Key) || (Count >= capacity && !EvictIdle()))
        {
            cipher.Dispose();
            return;
        }

        if (!_entries.TryAdd(handle.Key, new Entry(handle.DataKey.ToArray(), dataKey, cipher)))
        {
            cipher.Dispose(); // a concurrent request on the same session kept its own first
            return;
        }

        Interlocked.Increment(ref _count);
        if (_disposed)
        {
            Forget(handle.Key); // added while Dispose was emptying the cache
        }
    }

    /// <summary>Gives up the entry under <paramref name="key"/> (its record was deleted or rotated away).</summary>
    public void Forget(SessionKey key)
    {
        if (_entries.TryRemove(key, out var entry))
        {
            Interlocked.Decrement(ref _count);
            entry.Retire();
        }
    }

    /// <summary>Gives up <paramref name="entry"/> if it is still the one under <paramref name="key"/> (its record no longer opens).</summary>
    public void Forget(SessionKey key, Entry entry)
    {
        if (_entries.TryRemove(new KeyValuePair<SessionKey, Entry>(key, entry)))
        {
            Interlocked.Decrement(ref _count);
            entry.Retire();
        }
    }

    /// <summary>Disposes every idle context now and every rented one when its request hands it back; keeps nothing after.</summary>
    public void Dispose()
    {
        _disposed = true;
        foreach (var pair in _entries)
        {
            Forget(pair.Key, pair.Value);
        }
    }

    /// <summary>Evicts one idle entry among the first <see cref="EvictionScan"/>; false when all of those are busy.</summary>
    private bool EvictIdle()
    {
        var scanned = 0;
        // The dictionary's enumerator takes no locks (its Keys property would lock and copy every entry).
        foreach (var pair in _entries)
        {
            if (pair.Value.TryRetireIdle())
            {
                if (_entries.TryRemove(pair))
                {
                    Interlocked.Decrement(ref _count);
                }

                return true;
            }

            if (++scanned == EvictionScan)
            {
                break;
            }
        }

        return false;
    }

    /// <summary>
    /// A context rented for one decrypt or encrypt: the cached entry's (handed back on dispose) or the caller's own.
    /// </summary>
    internal readonly struct Lease(AesGcm cipher, Entry? rented) : IDisposable
    {
        public AesGcm Cipher => cipher;

        /// <summary>
        /// <paramref name="cached"/>'s context when no other request is using it, else <paramref name="own"/> (created
        /// from <paramref name="dataKey"/> on first need and owned by the caller).
        /// </summary>
        public static Lease Of(Entry? cached, ref AesGcm? own, byte[] dataKey) =>
            cached is not null && cached.TryRent() ? new Lease(cached.Cipher, cached) : new Lease(own ??= SessionSealer.CreateCipher(dataKey), null);

        public void Dispose() => rented?.Return();
    }

    /// <summary>One session's derived key and context, with who may use the context now.</summary>
    internal sealed class Entry(byte[] cookieKey, byte[] dataKey, AesGcm cipher)
    {
        private const int Idle = 0;
        private const int InUse = 1;
        private const int Retired = 2;
        private const int RetiredInUse = 3;

        private int _state;

        /// <summary>The key derived from the cookie's data key (never changes, never zeroed: a session may still hold it).</summary>
        public byte[] DataKey => dataKey;

        internal AesGcm Cipher => cipher;

        public bool Matches(SessionHandle handle) => CryptographicOperations.FixedTimeEquals(cookieKey, handle.DataKey);

        /// <summary>Takes the context for one use; false when another request is using it or the cache gave it up.</summary>
        public bool TryRent() => Interlocked.CompareExchange(ref _state, InUse, Idle) == Idle;

        /// <summary>Ends a <see cref="TryRent"/>; disposes the context when the cache gave it up meanwhile.</summary>
        public void Return()
        {
            if (Interlocked.CompareExchange(ref _state, Idle, InUse) == RetiredInUse)
            {
                Volatile.Write(ref _state, Retired);
                cipher.Dispose();
            }
        }

        /// <summary>The cache gave the entry up: disposes the context now if idle, else its renter does on return.</summary>
        public void Retire()
        {
            while (true)
            {
                switch (Volatile.Read(ref _state))
                {
                    case Idle when TryRetireIdle():
                        return;
                    case InUse when Interlocked.CompareExchange(ref _state, RetiredInUse, InUse) == InUse:
                        return;
                    case Retired or RetiredInUse:
                        return;
                }
            }
        }

        /// <summary>Retires and disposes the entry if nobody is using it.</summary>
        public bool TryRetireIdle()
        {
            if (Interlocked.CompareExchange(ref _state, Retired, Idle) != Idle)
            {
                return false;
            }

            cipher.Dispose();
            return true;
        }
    }
}
