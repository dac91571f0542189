using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Text;

namespace Tessera.Tickets;

/// <summary>
/// Cookie value to ticket bytes, read as mod_auth_tkt's parse_ticket reads it (spec §2.1 step 3, docs/tickets.md
/// "Cookie decoding"): one trailing and one leading <c>"</c> stripped; a value with <c>!</c> is a raw ticket; one with
/// <c>%21</c> is URL-unescaped (bad escapes kept as they are); anything else is base64 read up to the first character
/// outside the standard alphabet, so padding is optional and whatever follows is ignored. For the mod_auth_tkt schemes
/// the result ends at its first NUL, as Apache's C strings do. The HMAC scheme, which only plone reads, also takes
/// Zope's quoting of <c>+</c> and <c>/</c> (<c>%2B</c>, <c>%2F</c>) inside the base64, as Zope unquotes before plone decodes.
/// </summary>
internal static class TicketCookie
{
    private static readonly SearchValues<char> Base64Alphabet =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

    /// <summary>Longest cookie value read; browsers keep at most 4096 bytes per cookie.</summary>
    public const int MaxValueLength = 8192;

    private const int StackLimit = 1024;

    /// <summary>An upper bound of the decoded length, for sizing the buffer: raw and escaped tickets may need 3 UTF-8 bytes per character.</summary>
    public static int MaxDecodedLength(ReadOnlySpan<char> value) => value.IndexOfAny('!', '%') >= 0 ? value.Length * 3 : value.Length;

    /// <summary>
    /// Writes the ticket bytes Apache would see. The result says what to blame if those bytes do not verify:
    /// <see cref="TicketRejection.None"/> when every character was used, <see cref="TicketRejection.BadCookieEncoding"/>
    /// when characters were ignored, <see cref="TicketRejection.Malformed"/> when the ticket was cut at a NUL.
    /// </summary>
    public static TicketRejection Decode(ReadOnlySpan<char> value, TicketScheme scheme, Span<byte> destination, out int written)
    {
        if (value.Length > 0 && value[^1] == '"')
        {
            value = value[..^1];
        }

        if (value.Length > 0 && value[0] == '"')
        {
            value = value[1..];
        }

        var hexDigests = scheme != TicketScheme.HmacSha256;
        TicketRejection blame;
        if (value.Contains('!'))
        {
            written = Encoding.UTF8.GetBytes(value, destination);
            blame = TicketRejection.None;
        }
        else if (value.Contains("%21", StringComparison.Ordinal))
        {
            written = UrlUnescape(destination[..Encoding.UTF8.GetBytes(value, destination)]);
            blame = TicketRejection.None;
        }
        else
        {
            blame = DecodeBase64(value, zopeQuoting: !hexDigests, destination, out written);
        }

        // A hex-digest ticket has no NUL of its own; the HMAC digest is binary and may hold one.
        var nul = hexDigests ? destination[..written].IndexOf((byte)0) : -1;
        if (nul >= 0)
        {
            written = nul;
        }

        return nul >= 0 ? TicketRejection.Malformed : blame;
    }

    /// <summary>Unescapes in place as httpd's ap_unescape_url: <c>%XX</c> becomes the byte (any byte), a bad escape stays as it is.</summary>
    private static int UrlUnescape(Span<byte> text)
    {
        var written = 0;
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '%' && i + 2 < text.Length && HexValue(text[i + 1]) is >= 0 and var hi && HexValue(text[i + 2]) is >= 0 and var lo)
            {
                text[written++] = (byte)((hi << 4) | lo);
                i += 2;
            }
            else
            {
                text[written++] = text[i];
            }
        }

        return written;
    }

    private static int HexValue(byte c) => c switch
    {
        >= (byte)'0' and <= (byte)'9' => c - '0',
        >= (byte)'a' and <= (byte)'f' => c - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// APR's decoder: the longest run of alphabet characters, a lone last character ignored, unused low bits ignored.
    /// Full groups go through the vectorised decoder; the last partial group (and Zope escapes) through a scalar loop.
    /// </summary>
    private static TicketRejection DecodeBase64(ReadOnlySpan<char> value, bool zopeQuoting, Span<byte> destination, out int written)
    {
        var end = value.IndexOfAnyExcept(Base64Alphabet);
        var full = (end < 0 ? value.Length : end) & ~3;
        written = full > 0 ? DecodeFullGroups(value[..full], destination) : 0;
        var consumed = full + DecodeScalar(value[full..], zopeQuoting, destination, ref written);
        return IsPadding(value[consumed..]) ? TicketRejection.None : TicketRejection.BadCookieEncoding;
    }

    private static int DecodeFullGroups(ReadOnlySpan<char> groups, Span<byte> destination)
    {
        // Narrowed to ASCII and decoded by the vectorised UTF-8 decoder: several times faster than decoding the chars.
        byte[]? rented = null;
        var ascii = groups.Length <= StackLimit ? stackalloc byte[groups.Length] : (rented = ArrayPool<byte>.Shared.Rent(groups.Length)).AsSpan(0, groups.Length);
        // Both succeed: the groups hold alphabet characters only.
        var narrowed = Ascii.FromUtf16(groups, ascii, out _);
        var decoded = Base64.DecodeFromUtf8(ascii, destination, out _, out var written);
        Debug.Assert(narrowed == OperationStatus.Done && decoded == OperationStatus.Done, "full groups of alphabet characters always decode");
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }

        return written;
    }

    /// <summary>Decodes alphabet characters (and, with <paramref name="zopeQuoting"/>, <c>%2B</c> and <c>%2F</c>) until anything else; returns the characters used.</summary>
    private static int DecodeScalar(ReadOnlySpan<char> value, bool zopeQuoting, Span<byte> destination, ref int written)
    {
        uint bits = 0;
        var count = 0;
        var i = 0;
        while (i < value.Length)
        {
            var c = value[i];
            var width = 1;
            int sextet = c switch
            {
                >= 'A' and <= 'Z' => c - 'A',
                >= 'a' and <= 'z' => c - 'a' + 26,
                >= '0' and <= '9' => c - '0' + 52,
                '+' => 62,
                '/' => 63,
                _ => -1,
            };
            if (sextet < 0 && zopeQuoting && c == '%' && i + 2 < value.Length && value[i + 1] == '2')
            {
                sextet = value[i + 2] switch { 'B' or 'b' => 62, 'F' or 'f' => 63, _ => -1 };
                width = 3;
            }

            if (sextet < 0)
            {
                break;
            }

            bits = (bits << 6) | (uint)sextet;
            count += 6;
            if (count >= 8)
            {
                count -= 8;
                destination[written++] = (byte)(bits >> count);
            }

            i += width;
        }

        return i;
    }

    /// <summary>Nothing, or at most two <c>=</c> (Zope quotes them as <c>%3D</c>): what follows a well-formed base64 run.</summary>
    private static bool IsPadding(ReadOnlySpan<char> tail)
    {
        for (var pads = 0; pads < 2 && !tail.IsEmpty; pads++)
        {
            if (tail[0] == '=')
            {
                tail = tail[1..];
            }
            else if (tail.StartsWith("%3D", StringComparison.OrdinalIgnoreCase))
            {
                tail = tail[3..];
            }
            else
            {
                return false;
            }
        }

        return tail.IsEmpty;
    }
}
