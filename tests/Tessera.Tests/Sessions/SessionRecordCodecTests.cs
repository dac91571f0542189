using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.Keys;
using Tessera.Sessions;

namespace Tessera.Tests.Sessions;

public sealed class SessionRecordCodecTests
{
    private static readonly DateTimeOffset Expiry = new(2026, 1, 1, 0, 20, 0, TimeSpan.Zero);
    private readonly byte[] _secret = RandomNumberGenerator.GetBytes(32);

    private static ServerSession Session(string? userId = null, SessionClientInfo? client = null)
    {
        var handle = SessionHandle.Create();
        var state = new SessionState { CreatedMs = 1_000, AccessedMs = 2_000, UserId = userId, CheckHash = userId is null ? null : "h" };
        state.Values["a"] = SessionValue.FromNode(JsonValue.Create(1));
        return new ServerSession(handle, state, SessionLoadVerdict.NoCookie, client ?? SessionClientInfo.None);
    }

    [Fact]
    public void Seal_Anonymous_HasNoUserTagNorListing()
    {
        var session = Session();
        var plaintext = session.State.Serialize();

        var record = new SessionRecordCodec(new Keyring([_secret])).Seal(session, plaintext, 3, Expiry, recordClientInfo: true);

        Assert.Equal((session.Handle.Key, 3L, Expiry), (record.Key, record.Version, record.ExpiresAt));
        Assert.Null(record.UserTag);
        Assert.True(record.Listing.IsEmpty);
        using var lease = session.RentCipher();
        Assert.Equal(plaintext, SessionRecordCodec.OpenData(lease.Cipher, record));
    }

    [Fact]
    public void OpenData_AnotherSessionsKey_ReturnsNull()
    {
        var codec = new SessionRecordCodec(new Keyring([_secret]));
        var session = Session();
        var record = codec.Seal(session, session.State.Serialize(), 1, Expiry, recordClientInfo: true);

        using var other = Session().RentCipher();
        Assert.Null(SessionRecordCodec.OpenData(other.Cipher, record));
    }

    [Fact]
    public void Seal_SignedIn_TagsTheUserAndSealsTheListing()
    {
        var codec = new SessionRecordCodec(new Keyring([_secret]));
        var session = Session("alice", new SessionClientInfo("192.0.2.7", "agent"));

        var record = codec.Seal(session, session.State.Serialize(), 1, Expiry, recordClientInfo: true);

        Assert.Equal(codec.UserTag("alice"), record.UserTag);
        Assert.Matches("^[0-9a-f]{64}$", record.UserTag!);
        var listing = codec.OpenListing(record);
        Assert.Equal(new ListingInfo(DateTimeOffset.FromUnixTimeMilliseconds(1_000), DateTimeOffset.FromUnixTimeMilliseconds(2_000), "192.0.2.7", "agent"), listing);
    }

    [Fact]
    public void Seal_ClientInfoNotRecorded_ListingHasNoIpNorAgent()
    {
        var codec = new SessionRecordCodec(new Keyring([_secret]));
        var session = Session("alice", new SessionClientInfo("192.0.2.7", "agent"));

        var listing = codec.OpenListing(codec.Seal(session, session.State.Serialize(), 1, Expiry, recordClientInfo: false));

        Assert.NotNull(listing);
        Assert.Null(listing.Ip);
        Assert.Null(listing.UserAgent);
    }

    [Fact]
    public void OpenListing_AfterRotation_OpensUnderTheOlderSecret()
    {
        var session = Session("alice");
        var record = new SessionRecordCodec(new Keyring([_secret])).Seal(session, session.State.Serialize(), 1, Expiry, recordClientInfo: true);
        var rotated = new SessionRecordCodec(new Keyring([RandomNumberGenerator.GetBytes(32), _secret]));

        Assert.NotNull(rotated.OpenListing(record));
        Assert.Contains(record.UserTag, rotated.UserTags("alice"));
        Assert.NotEqual(record.UserTag, rotated.UserTag("alice"));
    }

    [Fact]
    public void OpenListing_UnknownSecretOrTampered_ReturnsNull()
    {
        var session = Session("alice");
        var record = new SessionRecordCodec(new Keyring([_secret])).Seal(session, session.State.Serialize(), 1, Expiry, recordClientInfo: true);
        var tampered = record.Listing.ToArray();
        tampered[^1] ^= 1;

        Assert.Null(new SessionRecordCodec(new Keyring([RandomNumberGenerator.GetBytes(32)])).OpenListing(record));
        Assert.Null(new SessionRecordCodec(new Keyring([_secret])).OpenListing(record with { Listing = tampered }));
        Assert.Null(new SessionRecordCodec(new Keyring([_secret])).OpenListing(record with { Listing = default }));
    }

    [Fact]
    public void UserTag_IsKeyedHashOfTheUserIdUnderTheNewestSecret()
    {
        var codec = new SessionRecordCodec(new Keyring([_secret, RandomNumberGenerator.GetBytes(32)]));

        Assert.Equal(codec.UserTags("alice")[0], codec.UserTag("alice"));
        Assert.Equal(2, codec.UserTags("alice").Distinct(StringComparer.Ordinal).Count());
        Assert.NotEqual(codec.UserTag("alice"), codec.UserTag("bob"));
        Assert.DoesNotContain("alice", codec.UserTag("alice"), StringComparison.Ordinal);
    }
}
