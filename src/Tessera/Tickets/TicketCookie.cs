using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace Tessera.Tickets;

/// <summary>
/// Cookie value to ticket bytes, accepting what mod_auth_tkt's parse_ticket accepts (spec §2.1 step 3): one pair of
/// surrounding quotes, standard base64 with or without padding, a raw ticket (contains <c>!</c>) and a
/// <c>%21</c>-escaped raw ticket. Anything else is <see cref="TicketRejection.BadCookieEncoding"/>, where Apache would
/// silently truncate at the first non-base64 character.
/// </summary>
internal static class TicketCookie
{
    private static readonly SearchValues<char> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    /// <summary>Longest cookie value read; browsers keep at most 4096 bytes per cookie.</summary>
    public const int MaxValueLength = 8192;

    private const int StackLimit = 1024;

    /// <summary>An upper bound of the decoded length, for sizing the buffer: a raw ticket may need 3 UTF-8 bytes per character.</summary>
    public static int MaxDecodedLength(ReadOnlySpan<char> value) => value.Contains('!') ? value.Length * 3 : value.Length;

    public static TicketRejection Decode(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        if (value.Length > 0 && value[^1] == '"')
        {
            value = value[..^1];
        }

        if (value.Length > 0 && value[0] == '"')
        {
            value = value[1..];
        }

        if (value.IsEmpty)
        {
            return TicketRejection.Malformed;
        }

        if (value.Contains('!'))
        {
            written = Encoding.UTF8.GetBytes(value, destination);
            return TicketRejection.None;
        }

        if (value.Contains("%21", StringComparison.Ordinal))
        {
            return UrlUnescape(value, destination, out written);
        }

        return DecodeBase64(value, destination, out written);
    }

    private static TicketRejection UrlUnescape(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c > 0x7F)
            {
                return TicketRejection.BadCookieEncoding;
            }

            if (c == '%')
            {
                if (i + 2 >= value.Length || HexValue(value[i + 1]) is not (>= 0 and var hi) || HexValue(value[i + 2]) is not (>= 0 and var lo))
                {
                    return TicketRejection.BadCookieEncoding;
                }

                destination[written++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                destination[written++] = (byte)c;
            }
        }

        return TicketRejection.None;
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    // Standard alphabet only; '=' padding optional but only at the end.
    private static TicketRejection DecodeBase64(ReadOnlySpan<char> value, Span<byte> destination, out int written)
    {
        written = 0;
        var end = value.Length;
        var padding = 0;
        while (end > 0 && value[end - 1] == '=' && padding < 2)
        {
            end--;
            padding++;
        }

        if (end % 4 == 1 || (padding > 0 && (end + padding) % 4 != 0) || value[..end].IndexOfAnyExcept(Base64Alphabet) >= 0)
        {
            return TicketRejection.BadCookieEncoding;
        }

        // The common, padded form: narrowed to ASCII (the alphabet was checked above) and decoded by the vectorised
        // UTF-8 decoder, several times faster than decoding the chars (and than decoding in place, which is scalar).
        if ((end + padding) % 4 == 0)
        {
            byte[]? rented = null;
            var ascii = value.Length <= StackLimit ? stackalloc byte[value.Length] : (rented = ArrayPool<byte>.Shared.Rent(value.Length)).AsSpan(0, value.Length);
            var ok = Ascii.FromUtf16(value, ascii, out _) == OperationStatus.Done
                && Base64.DecodeFromUtf8(ascii, destination, out _, out written) == OperationStatus.Done;
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }

            return ok ? TicketRejection.None : TicketRejection.BadCookieEncoding;
        }

        uint bits = 0;
        var count = 0;
        for (var i = 0; i < end; i++)
        {
            var c = value[i];
            int sextet = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '+' => 62,
                '/' => 63,
                _ => -1,
            };
            if (sextet < 0)
            {
                return TicketRejection.BadCookieEncoding;
            }

            bits = (bits << 6) | (uint)sextet;
            count += 6;
            if (count >= 8)
            {
                count -= 8;
                destination[written++] = (byte)(bits >> count);
            }
        }

        return TicketRejection.None;
    }
}
