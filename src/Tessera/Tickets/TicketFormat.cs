using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Tessera.Tickets;

/// <summary>
/// The auth_tkt bytes (spec §1-3):
/// <code>
/// ticket = DIGEST || %08x(TS) || UID || "!" || [TOKENS "!"] || USERDATA
/// M      = IP4 || TS4(big-endian) || [SECRET] || UID || 0x00 || TOKENS || 0x00 || USERDATA
/// mod_auth_tkt: DIGEST = hex(H(hex(H(M with SECRET)) || SECRET))     (lowercase hex)
/// plone:        DIGEST = HMAC-SHA256(SECRET, M without SECRET)       (32 raw bytes)
/// </code>
/// </summary>
internal static class TicketFormat
{
    public const int TimestampLength = 8;
    private const int StackLimit = 512;

    public static int DigestLength(TicketScheme scheme) => scheme switch
    {
        TicketScheme.Md5 => 32,
        TicketScheme.Sha256 => 64,
        TicketScheme.Sha512 => 128,
        TicketScheme.HmacSha256 => 32,
        _ => throw new ArgumentOutOfRangeException(nameof(scheme), scheme, "Unknown ticket scheme."),
    };

    public static bool IsHex(TicketScheme scheme) => scheme != TicketScheme.HmacSha256;

    /// <summary>Splits a ticket as mod_auth_tkt's parse_ticket does; false when the layout is broken.</summary>
    public static bool TryParse(TicketScheme scheme, ReadOnlySpan<byte> ticket, out ParsedTicket parsed)
    {
        parsed = default;
        var header = DigestLength(scheme) + TimestampLength;
        if (ticket.Length <= header)
        {
            return false;
        }

        // The hex schemes find the first '!' anywhere (so one inside the header breaks the layout); plone's raw
        // digest may contain 0x21, and tktauth.py splits only after the header.
        if (IsHex(scheme) && ticket[..header].Contains((byte)'!'))
        {
            return false;
        }

        var rest = ticket[header..];
        var bang = rest.IndexOf((byte)'!');
        if (bang < 0 || !TryParseTimestamp(ticket.Slice(header - TimestampLength, TimestampLength), out var ts))
        {
            return false;
        }

        parsed.Digest = ticket[..(header - TimestampLength)];
        parsed.Timestamp = ts;
        parsed.Fields = rest;
        parsed.UserId = rest[..bang];
        var afterUid = rest[(bang + 1)..];
        var second = afterUid.IndexOf((byte)'!');
        if (second >= 0)
        {
            parsed.Tokens = afterUid[..second];
            parsed.UserData = afterUid[(second + 1)..];
        }
        else
        {
            parsed.Tokens = default;
            parsed.UserData = afterUid;
        }

        return true;
    }

    // Eight hex digits of either case: sscanf("%8x") reads upper case too, so only the value is authenticated.
    private static bool TryParseTimestamp(ReadOnlySpan<byte> text, out uint value)
    {
        value = 0;
        foreach (var b in text)
        {
            int digit = b switch
            {
                >= (byte)'0' and <= (byte)'9' => b - '0',
                >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                _ => -1,
            };
            if (digit < 0)
            {
                return false;
            }

            value = (value << 4) | (uint)digit;
        }

        return true;
    }

    /// <summary>The size of the digest as raw bytes: half the hex length for the mod_auth_tkt schemes.</summary>
    public static int RawDigestLength(TicketScheme scheme) => IsHex(scheme) ? DigestLength(scheme) / 2 : DigestLength(scheme);

    /// <summary>
    /// Writes the digest into <paramref name="destination"/>: as it appears in the ticket (<see cref="DigestLength"/>
    /// bytes, lowercase hex for the mod_auth_tkt schemes), or with <paramref name="raw"/> as the final hash bytes
    /// (<see cref="RawDigestLength"/>), which halves the constant-time comparison.
    /// </summary>
    public static void ComputeDigest(
        TicketScheme scheme,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> ip4,
        uint timestamp,
        ReadOnlySpan<byte> userId,
        ReadOnlySpan<byte> tokens,
        ReadOnlySpan<byte> userData,
        Span<byte> destination,
        bool raw = false)
    {
        var hex = IsHex(scheme);
        var length = 8 + (hex ? secret.Length : 0) + userId.Length + 1 + tokens.Length + 1 + userData.Length;
        byte[]? rented = null;
        var message = length <= StackLimit ? stackalloc byte[length] : (rented = ArrayPool<byte>.Shared.Rent(length)).AsSpan(0, length);
        try
        {
            ip4.CopyTo(message);
            BinaryPrimitives.WriteUInt32BigEndian(message[4..], timestamp);
            var pos = 8;
            if (hex)
            {
                secret.CopyTo(message[pos..]);
                pos += secret.Length;
            }

            userId.CopyTo(message[pos..]);
            pos += userId.Length;
            message[pos++] = 0;
            tokens.CopyTo(message[pos..]);
            pos += tokens.Length;
            message[pos++] = 0;
            userData.CopyTo(message[pos..]);

            if (!hex)
            {
                HMACSHA256.HashData(secret, message, destination[..32]);
                return;
            }

            DoubleHash(scheme, secret, message, destination, raw);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(message);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>Builds a whole ticket. Apache's refresh always writes the tokens part (<paramref name="alwaysWriteTokens"/>); issuers only when there are tokens.</summary>
    public static byte[] Write(
        TicketScheme scheme,
        ReadOnlySpan<byte> secret,
        ReadOnlySpan<byte> ip4,
        uint timestamp,
        ReadOnlySpan<byte> userId,
        ReadOnlySpan<byte> tokens,
        ReadOnlySpan<byte> userData,
        bool alwaysWriteTokens)
    {
        var digestLength = DigestLength(scheme);
        var writeTokens = alwaysWriteTokens || !tokens.IsEmpty;
        var ticket = new byte[digestLength + TimestampLength + userId.Length + 1 + (writeTokens ? tokens.Length + 1 : 0) + userData.Length];
        var span = ticket.AsSpan();
        ComputeDigest(scheme, secret, ip4, timestamp, userId, tokens, userData, span[..digestLength]);
        Span<byte> ts = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(ts, timestamp);
        WriteLowerHex(ts, span[digestLength..]);
        var pos = digestLength + TimestampLength;
        userId.CopyTo(span[pos..]);
        pos += userId.Length;
        span[pos++] = (byte)'!';
        if (writeTokens)
        {
            tokens.CopyTo(span[pos..]);
            pos += tokens.Length;
            span[pos++] = (byte)'!';
        }

        userData.CopyTo(span[pos..]);
        return ticket;
    }

    private static void DoubleHash(TicketScheme scheme, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> message, Span<byte> destination, bool raw)
    {
        var hashSize = DigestLength(scheme) / 2;
        Span<byte> hash = stackalloc byte[64];
        Hash(scheme, message, hash);

        var outerLength = (2 * hashSize) + secret.Length;
        byte[]? rented = null;
        var outer = outerLength <= StackLimit ? stackalloc byte[outerLength] : (rented = ArrayPool<byte>.Shared.Rent(outerLength)).AsSpan(0, outerLength);
        try
        {
            WriteLowerHex(hash[..hashSize], outer);
            secret.CopyTo(outer[(2 * hashSize)..]);
            Hash(scheme, outer, hash);
            if (raw)
            {
                hash[..hashSize].CopyTo(destination);
            }
            else
            {
                WriteLowerHex(hash[..hashSize], destination);
            }
        }
        finally
        {
            CryptographicOperations.ZeroMemory(outer);
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static void Hash(TicketScheme scheme, ReadOnlySpan<byte> source, Span<byte> destination)
    {
        switch (scheme)
        {
#pragma warning disable CA5351 // MD5 is what mod_auth_tkt's default digest type requires; the spec's §5 explains the risk.
            case TicketScheme.Md5:
                MD5.HashData(source, destination);
                break;
#pragma warning restore CA5351
            case TicketScheme.Sha256:
                SHA256.HashData(source, destination);
                break;
            default:
                SHA512.HashData(source, destination);
                break;
        }
    }

    /// <summary>
    /// Decodes the ticket's digest field to raw bytes. False when a hex digest is not lowercase hex: Apache compares the
    /// text case-sensitively, so such a digest can never match.
    /// </summary>
    public static bool TryReadDigest(TicketScheme scheme, ReadOnlySpan<byte> digest, Span<byte> destination)
    {
        if (!IsHex(scheme))
        {
            digest.CopyTo(destination);
            return true;
        }

        return digest.IndexOfAnyExcept(LowerHex) < 0
            && Convert.FromHexString(digest, destination, out _, out var written) == OperationStatus.Done
            && written == digest.Length / 2;
    }

    private static readonly SearchValues<byte> LowerHex = SearchValues.Create("0123456789abcdef"u8);

    private static void WriteLowerHex(ReadOnlySpan<byte> source, Span<byte> destination) =>
        Convert.TryToHexStringLower(source, destination, out _);
}

/// <summary>The fields of a ticket, as slices of its bytes.</summary>
internal ref struct ParsedTicket
{
    public ReadOnlySpan<byte> Digest;
    public uint Timestamp;
    public ReadOnlySpan<byte> UserId;
    public ReadOnlySpan<byte> Tokens;
    public ReadOnlySpan<byte> UserData;

    /// <summary>User id, tokens and data with their <c>!</c> separators: everything after the timestamp.</summary>
    public ReadOnlySpan<byte> Fields;
}
