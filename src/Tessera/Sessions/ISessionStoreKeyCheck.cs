namespace Tessera.Sessions;

/// <summary>
/// A store that keeps a key-check value: an HMAC of a fixed label under the application's newest server secret,
/// written with the first session a current Tessera saves. Operator tools compare it (in fixed time) with their own
/// secrets, so a wrong secret is an error rather than an empty list. It reveals nothing about the secret.
/// </summary>
public interface ISessionStoreKeyCheck
{
    /// <summary>The stored key-check value, or <see langword="null"/> when none is kept yet. Reads only.</summary>
    /// <exception cref="SessionStoreException">The store could not be read.</exception>
    ValueTask<byte[]?> ReadKeyCheckAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="value"/> if the stored value is still <paramref name="expected"/> (<see langword="null"/>:
    /// none stored); returns whether it did. A compare-and-set, so servers with different keyrings cannot overwrite each other blindly.
    /// </summary>
    /// <exception cref="SessionStoreException">The store could not be written.</exception>
    ValueTask<bool> ReplaceKeyCheckAsync(byte[]? expected, byte[] value, CancellationToken cancellationToken);
}
