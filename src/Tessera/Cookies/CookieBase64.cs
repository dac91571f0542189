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
        if (value.Length % 4 == 1)
        {
            return false;
        }

        foreach (var c in value)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
            {
                return false;
            }
        }

        raw = new byte[Base64Url.GetMaxDecodedLength(value.Length)];
        try
        {
            return Base64Url.TryDecodeFromChars(value, raw, out length);
        }
        catch (FormatException)
        {
            // Non-zero unused bits in the last character: not what any encoder writes.
            return false;
        }
    }
}
