using Tessera.Sessions;
using Tessera.Stores;

namespace Tessera.AspNetCore.Tests.Support;

/// <summary>
/// A memory store that counts its calls, can answer loads asynchronously (as a network store does), and can damage
/// every stored record so that opening one fails: a request that never decrypts cannot notice the damage.
/// </summary>
public sealed class CountingStore(TimeProvider time) : ISessionStore
{
    private readonly MemorySessionStore _inner = new(time);
    private int _loads;
    private int _saves;

    public string Name => "counting";

    public int Loads => Volatile.Read(ref _loads);

    public int Saves => Volatile.Read(ref _saves);

    /// <summary>When set, every load completes on another thread after this delay.</summary>
    public TimeSpan? LoadDelay { get; set; }

    /// <summary>When set, loads return the record with its sealed data's last byte flipped (it no longer decrypts).</summary>
    public bool Damaged { get; set; }

    public async ValueTask<SessionRecord?> LoadAsync(SessionKey key, CancellationToken cancellationToken)
    {
        if (LoadDelay is { } delay)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }

        var record = await _inner.LoadAsync(key, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _loads);
        if (record is null || !Damaged)
        {
            return record;
        }

        var data = record.Data.ToArray();
        data[^1] ^= 0x01;
        return record with { Data = data };
    }

    public ValueTask<SaveResult> SaveAsync(SessionRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _saves);
        return _inner.SaveAsync(record, expectedVersion, cancellationToken);
    }

    public ValueTask DeleteAsync(SessionKey key, CancellationToken cancellationToken) => _inner.DeleteAsync(key, cancellationToken);
}
