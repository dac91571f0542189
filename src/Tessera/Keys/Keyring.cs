using System.Security.Cryptography;
using System.Text;

namespace Tessera.Keys;

/// <summary>
/// An ordered list of secrets, newest first: the newest signs or seals, every one verifies or opens.
/// Servers of one fleet share the same keyring; rotating means putting a new secret in front and dropping the
/// oldest once the longest-lived cookie it signed has expired.
/// </summary>
public sealed class Keyring
{
    /// <summary>The shortest secret accepted by default: 16 bytes (128 bits).</summary>
    public const int DefaultMinimumLength = 16;

    private readonly byte[][] _secrets;

    /// <summary>Creates a keyring from raw secrets, newest first.</summary>
    /// <exception cref="ArgumentException">No secret, or one shorter than <paramref name="minimumLength"/> bytes.</exception>
    public Keyring(IEnumerable<byte[]> secrets, int minimumLength = DefaultMinimumLength)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        _secrets = [.. secrets.Select(s => (byte[])s.Clone())];
        if (_secrets.Length == 0)
        {
            throw new ArgumentException("A keyring needs at least one secret.", nameof(secrets));
        }

        for (var i = 0; i < _secrets.Length; i++)
        {
            if (_secrets[i].Length < minimumLength)
            {
                throw new ArgumentException(
                    $"Secret #{i + 1} is {_secrets[i].Length} bytes; at least {minimumLength} random bytes are required (generate one with 'tessera secret').",
                    nameof(secrets));
            }
        }
    }

    /// <summary>The secrets, newest first.</summary>
    public IReadOnlyList<byte[]> Secrets => _secrets;

    /// <summary>The newest secret: the one that signs and seals.</summary>
    public byte[] Current => _secrets[0];

    /// <summary>
    /// Parses secrets written as hex (an even number of hex digits) or standard/URL-safe base64, newest first,
    /// as they appear in configuration (<c>Tessera:Secrets</c>).
    /// </summary>
    /// <exception cref="ArgumentException">A secret is neither hex nor base64, or too short.</exception>
    public static Keyring Parse(IEnumerable<string> encodedSecrets, int minimumLength = DefaultMinimumLength)
    {
        ArgumentNullException.ThrowIfNull(encodedSecrets);
        return new Keyring(encodedSecrets.Select((s, i) => DecodeSecret(s, i)).ToList(), minimumLength);
    }

    /// <summary>Decodes one secret written as hex or base64.</summary>
    /// <exception cref="ArgumentException">The text is neither.</exception>
    public static byte[] DecodeSecret(string encoded, int position = 0)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        var text = encoded.Trim();
        if (text.Length > 0 && text.Length % 2 == 0 && text.All(Uri.IsHexDigit))
        {
            return Convert.FromHexString(text);
        }

        var b64 = text.Replace('-', '+').Replace('_', '/');
        b64 = b64.PadRight(b64.Length + ((4 - (b64.Length % 4)) % 4), '=');
        var buffer = new byte[b64.Length];
        if (text.Length > 0 && Convert.TryFromBase64String(b64, buffer, out var written))
        {
            return buffer[..written];
        }

        throw new ArgumentException($"Secret #{position + 1} is neither hex nor base64.", nameof(encoded));
    }

    /// <summary>
    /// Derives a purpose-specific key from secret <paramref name="index"/> with HKDF-SHA256, so one configured
    /// secret can serve tickets, cookies and the session index without one use weakening another.
    /// </summary>
    public byte[] DeriveKey(int index, string purpose, int length = 32)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return HKDF.DeriveKey(HashAlgorithmName.SHA256, _secrets[index], length, salt: [], info: Encoding.UTF8.GetBytes(purpose));
    }
}
