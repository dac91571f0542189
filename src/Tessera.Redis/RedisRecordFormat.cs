using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using Tessera.Sessions;

namespace Tessera.Redis;

/// <summary>
/// The value stored under a record key. A text header the Lua scripts can match, then binary payload:
/// <code>
/// "T1 " version " " expires-at " " user-tag "\n"   version: decimal; expires-at: UTC ticks, 19 digits zero-padded
///                                                  (so Lua compares them as strings, exactly); user-tag: hex of its
///                                                  UTF-8, or "-" when anonymous
/// listing length: 4 bytes big-endian | listing bytes | data bytes (the rest)
/// </code>
/// </summary>
internal static class RedisRecordFormat
{
    private const string Magic = "T1 ";

    public static string Ticks(DateTimeOffset time) => time.UtcTicks.ToString("D19", CultureInfo.InvariantCulture);

    /// <summary>How many leading bytes hold the version and the expiry (the most <see cref="TryReadExpiry"/> needs).</summary>
    public const int ExpiryPrefixLength = 3 + 18 + 1 + 19 + 1;

    /// <summary>The expiry ticks from the start of a stored value, without the rest of it (for scans that fetch only
    /// the first <see cref="ExpiryPrefixLength"/> bytes); false when the start is not this store's header.</summary>
    public static bool TryReadExpiry(ReadOnlySpan<byte> start, out long ticks)
    {
        ticks = 0;
        if (!start.StartsWith("T1 "u8))
        {
            return false;
        }

        var rest = start[Magic.Length..];
        var space = rest.IndexOf((byte)' ');
        if (space is < 1 or > 18 || rest.Length < space + 1 + 19 + 1 || rest[space + 1 + 19] != (byte)' ')
        {
            return false;
        }

        foreach (var b in rest[..space])
        {
            if (b is < (byte)'0' or > (byte)'9')
            {
                return false;
            }
        }

        return long.TryParse(rest.Slice(space + 1, 19), NumberStyles.None, CultureInfo.InvariantCulture, out ticks)
            && ticks <= DateTimeOffset.MaxValue.UtcTicks;
    }

    public static string TagHex(string userTag) => Convert.ToHexStringLower(Encoding.UTF8.GetBytes(userTag));

    public static byte[] Encode(SessionRecord record)
    {
        var header = Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $"{Magic}{record.Version} {Ticks(record.ExpiresAt)} {(record.UserTag is null ? "-" : TagHex(record.UserTag))}\n"));
        var value = new byte[header.Length + 4 + record.Listing.Length + record.Data.Length];
        header.CopyTo(value, 0);
        BinaryPrimitives.WriteInt32BigEndian(value.AsSpan(header.Length), record.Listing.Length);
        record.Listing.Span.CopyTo(value.AsSpan(header.Length + 4));
        record.Data.Span.CopyTo(value.AsSpan(header.Length + 4 + record.Listing.Length));
        return value;
    }

    /// <summary>Decodes a stored value; null with a reason when it is not one this store wrote.</summary>
    public static SessionRecord? Decode(SessionKey key, byte[] value, out string? reason)
    {
        reason = null;
        var newline = Array.IndexOf(value, (byte)'\n');
        if (value.Length < Magic.Length || newline < 0 || !value.AsSpan(0, Magic.Length).SequenceEqual("T1 "u8))
        {
            reason = "not a Tessera record";
            return null;
        }

        var parts = Encoding.ASCII.GetString(value, Magic.Length, newline - Magic.Length).Split(' ');
        if (parts.Length != 3
            || parts[0].Length > 18
            || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            || parts[1].Length != 19
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            reason = "malformed header";
            return null;
        }

        string? userTag = null;
        if (parts[2] != "-")
        {
            if (parts[2].Length % 2 != 0)
            {
                reason = "malformed user tag";
                return null;
            }

            try
            {
                userTag = Encoding.UTF8.GetString(Convert.FromHexString(parts[2]));
            }
            catch (FormatException)
            {
                reason = "malformed user tag";
                return null;
            }
        }

        var rest = value.AsSpan(newline + 1);
        if (rest.Length < 4)
        {
            reason = "truncated";
            return null;
        }

        var listingLength = BinaryPrimitives.ReadInt32BigEndian(rest);
        if (listingLength < 0 || listingLength > rest.Length - 4)
        {
            reason = "bad listing length";
            return null;
        }

        var listing = rest.Slice(4, listingLength).ToArray();
        var data = rest[(4 + listingLength)..].ToArray();
        return new SessionRecord(key, version, data, new DateTimeOffset(ticks, TimeSpan.Zero), userTag, listingLength == 0 ? default : listing);
    }
}
