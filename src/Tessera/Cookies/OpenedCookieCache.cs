using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;

namespace Tessera.Cookies;

/// <summary>
/// Cookie mode's bounded cache from an exact sealed cookie value (chunks joined) to what opening it produced, so a
/// cookie seen again skips the HMAC, the AES-GCM context and the JSON parse. Only values that opened (or that this
/// server sealed itself) go in, so a forged or altered value never matches; the times are judged again on every hit
/// (<see cref="SealedCookieFormat.Judge"/>). One cache belongs to one format and cookie name, whose keyring is fixed
/// when they are built: a keyring change builds both anew, with an empty cache.
/// </summary>
/// <remarks>
/// Hits are a lock-free dictionary read plus setting a flag; additions and evictions take a lock. Eviction is CLOCK
/// (second chance): a sweeping hand drops the first entry not hit since the hand last passed it, so a cookie read over
/// and over stays while one-off cookies (for example each one a write replaces) go first. Bounded by entries and by an
/// estimate of the bytes each entry keeps (the value string, the parsed document and its index, the objects).
/// </remarks>
internal sealed class OpenedCookieCache
{
    /// <summary>The byte budget per entry: the bound on bytes is this times the entry bound.</summary>
    public const int BytesPerEntry = 4096;

    // Objects per entry beyond the two payload-sized parts: the entry, the OpenedCookie, the JsonDocument and the
    // dictionary node, with headers (measured on .NET 10: about 400 bytes; rounded up).
    private const int EntryOverhead = 512;

    private readonly ConcurrentDictionary<string, Entry> _entries;
    private readonly Entry?[] _slots;
    private readonly Stack<int> _free;
    private readonly Lock _lock = new();
    private readonly long _maxBytes;
    private int _hand;
    private long _bytes;

    /// <param name="maxEntries">The most entries kept; the bytes kept are at most <see cref="BytesPerEntry"/> times this.</param>
    public OpenedCookieCache(int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        MaxEntries = maxEntries;
        _maxBytes = (long)maxEntries * BytesPerEntry;
        _entries = new ConcurrentDictionary<string, Entry>(StringComparer.Ordinal);
        _slots = new Entry?[maxEntries];
        _free = new Stack<int>(maxEntries);
        for (var i = maxEntries - 1; i >= 0; i--)
        {
            _free.Push(i);
        }
    }

    public int MaxEntries { get; }

    public long MaxBytes => _maxBytes;

    public int Count => _entries.Count;

    /// <summary>The estimated bytes the entries keep (see <see cref="SizeOf"/>).</summary>
    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>What opening <paramref name="value"/> produced, if it is cached.</summary>
    public bool TryGet(string value, [NotNullWhen(true)] out OpenedCookie? opened)
    {
        if (_entries.TryGetValue(value, out var entry))
        {
            if (!entry.Referenced)
            {
                entry.Referenced = true;
            }

            opened = entry.Opened;
            return true;
        }

        opened = null;
        return false;
    }

    /// <summary>Keeps <paramref name="opened"/> for <paramref name="value"/>, evicting as needed; an entry over the whole byte budget is not kept.</summary>
    public void Add(string value, OpenedCookie opened)
    {
        var size = SizeOf(value, opened);
        if (size > _maxBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_entries.ContainsKey(value))
            {
                return;
            }

            while (_free.Count == 0 || _bytes + size > _maxBytes)
            {
                EvictOne();
            }

            var slot = _free.Pop();
            var entry = new Entry(value, opened, size, slot);
            _slots[slot] = entry;
            _entries[value] = entry;
            Interlocked.Add(ref _bytes, size);
        }
    }

    /// <summary>Drops <paramref name="value"/> (a cookie found expired: it will not be valid again).</summary>
    public void Remove(string value)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue(value, out var entry))
            {
                Drop(entry);
            }
        }
    }

    /// <summary>
    /// The estimated bytes an entry keeps: the value string (UTF-16), the parsed document (a copy of the payload and its
    /// index of 12 bytes per token, at most one token per payload byte: counted as twice the payload) and the objects.
    /// </summary>
    public static int SizeOf(string value, OpenedCookie opened) => (2 * value.Length) + (2 * opened.PayloadLength) + EntryOverhead;

    private void EvictOne()
    {
        while (true)
        {
            var entry = _slots[_hand];
            _hand = (_hand + 1) % _slots.Length;
            if (entry is null)
            {
                continue;
            }

            if (entry.Referenced)
            {
                entry.Referenced = false;
                continue;
            }

            Drop(entry);
            return;
        }
    }

    private void Drop(Entry entry)
    {
        _entries.TryRemove(new KeyValuePair<string, Entry>(entry.Value, entry));
        _slots[entry.Slot] = null;
        _free.Push(entry.Slot);
        Interlocked.Add(ref _bytes, -entry.Size);
    }

    private sealed class Entry(string value, OpenedCookie opened, int size, int slot)
    {
        public string Value { get; } = value;

        public OpenedCookie Opened { get; } = opened;

        public int Size { get; } = size;

        public int Slot { get; } = slot;

        // Set on every hit (a plain write: a lost race only costs one more pass of the hand), cleared by the hand.
        public volatile bool Referenced;
    }
}
