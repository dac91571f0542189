namespace Tessera.Keys;

/// <summary>
/// The one rule for secrets of Tessera's own formats (sealed cookies, server sessions, the store key check): at least
/// <see cref="MinimumLength"/> bytes, any longer length works everywhere (keys are derived with HKDF), and no
/// obviously weak value. Ticket secrets follow their schemes' own rules (<see cref="Tickets.TicketOptions"/>).
/// </summary>
public static class SecretRule
{
    /// <summary>The shortest accepted secret: 32 bytes (256 bits).</summary>
    public const int MinimumLength = 32;

    /// <summary>The fewest distinct byte values a secret may have; 32 random bytes have about 30.</summary>
    public const int MinimumDistinctBytes = 16;

    /// <summary>
    /// Says what is wrong with a configured secret (hex or base64), or <see langword="null"/> when it is acceptable.
    /// The answer never contains the secret.
    /// </summary>
    public static string? FindWeakness(string? encoded)
    {
        byte[] secret;
        try
        {
            secret = Keyring.DecodeSecret(encoded ?? string.Empty);
        }
        catch (ArgumentException)
        {
            return "is neither hex nor base64";
        }

        return FindWeakness(secret) ?? (LooksLikeWords(encoded!) ? "is text (letters only) read as base64, not random bytes" : null);
    }

    /// <summary>Says what is wrong with a raw secret, or <see langword="null"/> when it is acceptable.</summary>
    public static string? FindWeakness(ReadOnlySpan<byte> secret)
    {
        if (secret.Length < MinimumLength)
        {
            return $"is {secret.Length} bytes; at least {MinimumLength} random bytes are required";
        }

        if (secret.IndexOfAnyExcept(secret[0]) < 0)
        {
            return "repeats one byte value";
        }

        Span<bool> seen = stackalloc bool[256];
        var distinct = 0;
        foreach (var b in secret)
        {
            if (!seen[b])
            {
                seen[b] = true;
                distinct++;
            }
        }

        return distinct < MinimumDistinctBytes ? $"has only {distinct} distinct byte values, not random bytes" : null;
    }

    // A passphrase such as "correcthorsebatterystaple..." is valid base64. Random base64 is letters only about once in
    // 7,500 secrets, but then both cases appear about equally; words are (nearly) all one case. The minority case
    // under a quarter of the letters happens for random output about once in 10^7 secrets of 32 bytes.
    private static bool LooksLikeWords(string encoded)
    {
        int upper = 0, lower = 0;
        foreach (var c in encoded.Trim().TrimEnd('='))
        {
            if (char.IsAsciiLetterUpper(c))
            {
                upper++;
            }
            else if (char.IsAsciiLetterLower(c))
            {
                lower++;
            }
            else if (c is not (' ' or '-' or '_'))
            {
                return false;
            }
        }

        return Math.Min(upper, lower) * 4 < upper + lower;
    }
}
