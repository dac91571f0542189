using System.Buffers;
using System.Buffers.Text;

namespace Tessera.Cookies;

/// <summary>Strict, non-throwing base64url (no padding, canonical trailing bits) for cookie values.</summary>
internal static class CookieBase64
{
    private static readonly SearchValues<char> UrlAlphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    public static bool TryDecodeUrl(string value, out byte[] raw, out int length)
    {
        raw = [];
        length = 0;
        if (!IsCanonicalAlphabet(value))
        {
            return false;
        }

        raw = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        return TryDecodeCore(value, raw, out length);
    }

    /// <summary>Decodes into <paramref name="destination"/>, which must hold GetMaxDecodedLength(value.Length) bytes.</summary>
    public static bool TryDecodeUrl(string value, Span<byte> destination, out int length)
    {
        length = 0;
        return IsCanonicalAlphabet(value) && TryDecodeCore(value, destination, out length);
    }

    private static bool TryDecodeCore(string value, Span<byte> destination, out int length)
    {
        length = 0;
        try
        {
            return Base64Url.TryDecodeFromChars(value, destination, out length);
        }
        catch (FormatException)
        {
            // Non-zero unused bits in the last character: not what any encoder writes.
            return false;
        }
    }

    private static bool IsCanonicalAlphabet(string value)
    {
        if (value.Length % 4 == 1)
        {
            return false;
        }

        // Vectorized scan: the decoder alone would skip whitespace, which a canonical value never has.
        return !value.AsSpan().ContainsAnyExcept(UrlAlphabet);
    }
}
