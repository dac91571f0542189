using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Tessera.Keys;

namespace Tessera.Sessions;

/// <summary>
/// Turns a session into the <see cref="SessionRecord"/> a store keeps, and opens a record's parts back: the data
/// (sealed under the cookie's data key, see <see cref="SessionSealer"/>), and for a signed-in user the user tag (a
/// keyed hash of the user id) and the listing (sealed with a server key). Tags and listings are written under the
/// keyring's newest secret and read under all of them, so records saved before a rotation still list and revoke.
/// </summary>
internal sealed class SessionRecordCodec
{
    private const string UserTagPurpose = "tessera/session-user-tag/v1";
    private const string ListingPurpose = "tessera/session-listing/v1";

    private readonly byte[][] _userTagKeys;
    private readonly byte[][] _listingKeys;

    public SessionRecordCodec(Keyring keyring)
    {
        _userTagKeys = [.. Enumerable.Range(0, keyring.Secrets.Count).Select(i => keyring.DeriveKey(i, UserTagPurpose))];
        _listingKeys = [.. Enumerable.Range(0, keyring.Secrets.Count).Select(i => keyring.DeriveKey(i, ListingPurpose))];
    }

    /// <summary>
    /// The record for <paramref name="session"/>'s <paramref name="plaintext"/> (its serialized state) at
    /// <paramref name="version"/>, expiring at <paramref name="expiresAt"/>; <paramref name="recordClientInfo"/> says
    /// whether the listing shows the client's IP and user agent.
    /// </summary>
    public SessionRecord Seal(ServerSession session, byte[] plaintext, long version, DateTimeOffset expiresAt, bool recordClientInfo)
    {
        var state = session.State;
        var key = session.Handle.Key;
        byte[] data;
        using (var lease = session.RentCipher())
        {
            data = SessionSealer.Seal(lease.Cipher, key, plaintext);
        }

        if (state.UserId is null)
        {
            return new SessionRecord(key, version, data, expiresAt);
        }

        var listing = new ListingInfo(
            DateTimeOffset.FromUnixTimeMilliseconds(state.CreatedMs),
            DateTimeOffset.FromUnixTimeMilliseconds(state.AccessedMs),
            recordClientInfo ? session.Client.IpAddress : null,
            recordClientInfo ? session.Client.UserAgent : null);
        var sealedListing = SessionSealer.Seal(_listingKeys[0], key, JsonSerializer.SerializeToUtf8Bytes(listing, ListingJsonContext.Default.ListingInfo));
        return new SessionRecord(key, version, data, expiresAt, UserTag(_userTagKeys[0], state.UserId), sealedListing);
    }

    /// <summary>The plaintext of the record's data, or null when it does not open with <paramref name="cipher"/> (another key, tampered).</summary>
    public static byte[]? OpenData(AesGcm cipher, SessionRecord record) => SessionSealer.Open(cipher, record.Key, record.Data.Span);

    /// <summary>The record's listing, or null when it has none or none of the keyring's secrets opens it.</summary>
    public ListingInfo? OpenListing(SessionRecord record)
    {
        if (record.Listing.IsEmpty)
        {
            return null;
        }

        foreach (var key in _listingKeys)
        {
            var plaintext = SessionSealer.Open(key, record.Key, record.Listing.Span);
            if (plaintext is not null)
            {
                try
                {
                    return JsonSerializer.Deserialize(plaintext, ListingJsonContext.Default.ListingInfo);
                }
                catch (JsonException)
                {
                    return null;
                }
            }
        }

        return null;
    }

    /// <summary>The user tag new records get (newest secret): 64 lowercase hex characters.</summary>
    public string UserTag(string userId) => UserTag(_userTagKeys[0], userId);

    /// <summary>One tag per keyring secret (sessions saved before a rotation carry an older one).</summary>
    public string[] UserTags(string userId) => [.. _userTagKeys.Select(key => UserTag(key, userId))];

    private static string UserTag(byte[] key, string userId)
    {
        Span<byte> tag = stackalloc byte[HmacSha256.HashLength];
        HmacSha256.ComputeWithServerKey(key, Encoding.UTF8.GetBytes(userId), tag);
        return Convert.ToHexStringLower(tag);
    }
}
