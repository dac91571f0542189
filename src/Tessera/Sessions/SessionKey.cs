namespace Tessera.Sessions;

/// <summary>
/// The key a store files a record under: SHA-256 of the session's lookup id. Knowing it does not let anyone
/// build a cookie, since the id cannot be recovered from its hash.
/// </summary>
public readonly struct SessionKey : IEquatable<SessionKey>
{
    /// <summary>Length of a key in bytes.</summary>
    public const int Length = 32;

    private readonly byte[]? _bytes;

    private SessionKey(byte[] bytes) => _bytes = bytes;

    /// <summary>The 32 key bytes.</summary>
    public ReadOnlySpan<byte> Bytes => _bytes ?? throw new InvalidOperationException("Default SessionKey has no bytes.");

    /// <summary>Hashes a lookup id into its store key.</summary>
    public static SessionKey FromLookupId(ReadOnlySpan<byte> lookupId) => new(Keys.HmacSha256.Sha256(lookupId));

    /// <summary>Wraps 32 key bytes read back from a store.</summary>
    /// <exception cref="ArgumentException">The bytes are not 32 long.</exception>
    public static SessionKey FromBytes(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length != Length)
        {
            throw new ArgumentException($"A session key is {Length} bytes, not {bytes.Length}.", nameof(bytes));
        }

        return new SessionKey(bytes.ToArray());
    }

    /// <summary>Parses the 64 lowercase hex characters of <see cref="ToString"/>; false for anything else.</summary>
    public static bool TryParse(string? text, out SessionKey key)
    {
        key = default;
        if (text is null || text.Length != Length * 2)
        {
            return false;
        }

        try
        {
            key = new SessionKey(Convert.FromHexString(text));
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    /// <summary>A short, non-secret label for logs and session lists: the first 12 hex characters.</summary>
    public string Fingerprint => ToString()[..12];

    /// <summary>The key as 64 lowercase hex characters, suitable as a file name or database key.</summary>
    public override string ToString() => Convert.ToHexStringLower(Bytes);

    /// <inheritdoc />
    public bool Equals(SessionKey other) => Bytes.SequenceEqual(other.Bytes);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is SessionKey other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => BitConverter.ToInt32(Bytes[..4]);

    /// <summary>Compares two keys.</summary>
    public static bool operator ==(SessionKey left, SessionKey right) => left.Equals(right);

    /// <summary>Compares two keys.</summary>
    public static bool operator !=(SessionKey left, SessionKey right) => !left.Equals(right);
}
