using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Tests.Cookies;

public sealed class SealedCookieFormatTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 22, 4, 0, 0, TimeSpan.Zero);
    private static readonly byte[] KeyA = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] KeyB = Convert.FromHexString("202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f");

    private static SealedCookieFormat Format(TimeProvider clock, SealedCookieOptions? options = null, params byte[][] keys)
    {
        options ??= new SealedCookieOptions();
        options.Keyring = new Keyring(keys.Length == 0 ? [KeyA] : keys);
        return new SealedCookieFormat(options, clock);
    }

    private static CookieSessionPayload Payload(DateTimeOffset at) =>
        CookieSessionPayload.CreateNew(new JsonObject { ["user"] = "alice", ["n"] = 42, ["big"] = JsonNode.Parse("1180591620717411303424"), ["list"] = new JsonArray(1, "two", null) }, at);

    [Fact]
    public void Write_ThenRead_ReturnsSameDataAndTimes()
    {
        var clock = new FakeTimeProvider(T0);
        var format = Format(clock);

        var value = format.Write("sid", Payload(T0));
        var result = format.Read("sid", value);

        Assert.True(result.IsValid);
        Assert.Equal("tessera", result.FormatName);
        Assert.Equal("""{"user":"alice","n":42,"big":1180591620717411303424,"list":[1,"two",null]}""", result.Data!.ToJsonString());
        Assert.Equal(T0, result.Created);
        Assert.Equal(T0, result.Renewed);
        Assert.False(result.NeedsReissue);
        Assert.False(result.OpenedWithOldKey);
    }

    [Fact]
    public void Write_Layout_IsVersionKeyIdSaltCiphertextTag()
    {
        var format = Format(new FakeTimeProvider(T0));
        var value = format.Write("sid", Payload(T0));

        var raw = Base64Url.DecodeFromChars(value);
        var plaintextLength = SealedCookieFormat.SerializePayload(Payload(T0)).Length;

        Assert.DoesNotContain('=', value);
        Assert.Equal(1, raw[0]);
        Assert.Equal(SealedCookieFormat.KeyId(KeyA), System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(raw.AsSpan(1)));
        Assert.Equal(1 + 4 + 16 + plaintextLength + 16, raw.Length);
    }

    [Fact]
    public void Seal_SameInputTwice_DiffersBySalt()
    {
        var format = Format(new FakeTimeProvider(T0));
        Assert.NotEqual(format.Write("sid", Payload(T0)), format.Write("sid", Payload(T0)));
    }

    [Fact]
    public void Read_UnderAnotherCookieName_ReturnsBadSignature()
    {
        var format = Format(new FakeTimeProvider(T0));
        var value = format.Write("sid", Payload(T0));

        Assert.Equal(CookieRejection.BadSignature, format.Read("other", value).Reason);
    }

    [Fact]
    public void Read_OtherVersionByte_ReturnsMalformed()
    {
        var format = Format(new FakeTimeProvider(T0));
        var raw = Base64Url.DecodeFromChars(format.Write("sid", Payload(T0)));
        raw[0] = 2;

        Assert.Equal(CookieRejection.Malformed, format.Read("sid", Base64Url.EncodeToString(raw)).Reason);
    }

    [Fact]
    public void Read_KeyNotInKeyring_ReturnsUnknownKey()
    {
        var clock = new FakeTimeProvider(T0);
        var value = Format(clock, null, KeyB).Write("sid", Payload(T0));

        Assert.Equal(CookieRejection.UnknownKey, Format(clock).Read("sid", value).Reason);
    }

    [Fact]
    public void Read_SealedWithOlderKey_IsValidAndFlaggedForReissue()
    {
        var clock = new FakeTimeProvider(T0);
        var old = Format(clock, null, KeyA).Write("sid", Payload(T0));
        var rotated = Format(clock, null, KeyB, KeyA);

        var result = rotated.Read("sid", old);

        Assert.True(result.IsValid);
        Assert.True(result.OpenedWithOldKey);
        Assert.True(result.NeedsReissue);
        Assert.False(rotated.Read("sid", rotated.Write("sid", result.Payload!)).OpenedWithOldKey);
    }

    [Fact]
    public void Read_TamperedByte_ReturnsBadSignature()
    {
        var format = Format(new FakeTimeProvider(T0));
        var raw = Base64Url.DecodeFromChars(format.Write("sid", Payload(T0)));
        raw[^20] ^= 1;

        Assert.Equal(CookieRejection.BadSignature, format.Read("sid", Base64Url.EncodeToString(raw)).Reason);
    }

    [Fact]
    public void Read_IdleTimeoutPassed_ReturnsExpired()
    {
        var clock = new FakeTimeProvider(T0);
        var format = Format(clock, new SealedCookieOptions { IdleTimeout = TimeSpan.FromMinutes(20) });
        var value = format.Write("sid", Payload(T0));

        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(20));
        Assert.True(format.Read("sid", value).IsValid);
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var result = format.Read("sid", value);
        Assert.Equal(CookieRejection.Expired, result.Reason);
        Assert.Null(result.Data);
    }

    [Fact]
    public void Read_AbsoluteLifetimePassedDespiteRenewals_ReturnsExpired()
    {
        var clock = new FakeTimeProvider(T0);
        var format = Format(clock, new SealedCookieOptions { IdleTimeout = TimeSpan.FromHours(1), AbsoluteLifetime = TimeSpan.FromHours(2), ReissueTime = TimeSpan.FromMinutes(1) });
        var payload = Payload(T0);
        var value = format.Write("sid", payload);
        for (var i = 0; i < 4; i++)
        {
            clock.Advance(TimeSpan.FromMinutes(50));
            var read = format.Read("sid", value);
            if (!read.IsValid)
            {
                Assert.Equal(CookieRejection.Expired, read.Reason);
                Assert.True(clock.GetUtcNow() - T0 > TimeSpan.FromHours(2));
                return;
            }

            value = format.Write("sid", read.Payload!.RenewedAt(clock.GetUtcNow()));
        }

        Assert.Fail("the absolute lifetime never expired the session");
    }

    [Fact]
    public void Read_ReissueTime_RenewsOnlyWhenLastRenewalIsOlder()
    {
        var clock = new FakeTimeProvider(T0);
        var format = Format(clock, new SealedCookieOptions { ReissueTime = TimeSpan.FromMinutes(2) });
        var value = format.Write("sid", Payload(T0));

        clock.SetUtcNow(T0 + TimeSpan.FromMinutes(2));
        Assert.False(format.Read("sid", value).NeedsReissue);
        clock.Advance(TimeSpan.FromSeconds(1));
        Assert.True(format.Read("sid", value).NeedsReissue);
    }

    [Fact]
    public void Write_OverBrowserLimit_ThrowsWithSizeAndLimit()
    {
        var format = Format(new FakeTimeProvider(T0));
        var big = CookieSessionPayload.CreateNew(new JsonObject { ["blob"] = new string('x', 4000) }, T0);

        var e = Assert.Throws<CookieTooLargeException>(() => format.Write("sid", big));

        Assert.Equal(4096, e.Limit);
        Assert.Contains("4096", e.Message);
        Assert.Contains(e.Size.ToString(System.Globalization.CultureInfo.InvariantCulture), e.Message);
    }

    [Fact]
    public void Write_OverBrowserLimitWithChunking_ReturnsLongValueThatChunksAndReassembles()
    {
        var format = Format(new FakeTimeProvider(T0), new SealedCookieOptions { EnableChunking = true });
        var big = CookieSessionPayload.CreateNew(new JsonObject { ["blob"] = new string('x', 9000) }, T0);
        var value = format.Write("sid", big);
        var chunker = new CookieChunker(enableChunking: true);

        var headers = chunker.BuildSetCookieHeaders(new SetCookieHeader("sid", value), _ => null);
        var jar = headers.Select(h => h.Split(';')[0].Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal("chunks-4", jar["sid"]); // 9000 bytes sealed are ~12.1 KB of base64url
        Assert.True(format.Read("sid", chunker.ReadValue("sid", n => jar.GetValueOrDefault(n))).IsValid);
    }

    [Fact]
    public void Constructor_ShortKey_ThrowsSayingWhatToChange()
    {
        var e = Assert.Throws<ArgumentException>(() => new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([RandomNumberGenerator.GetBytes(16)]) }));
        Assert.Contains("at least 32 bytes; secret #1 is 16 bytes", e.Message);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(64)]
    [InlineData(128)]
    public void Write_KeyLongerThan32Bytes_RoundTripsAndOtherKeyDoesNotOpen(int length)
    {
        var clock = new FakeTimeProvider(T0);
        var key = RandomNumberGenerator.GetBytes(length);
        var value = Format(clock, null, key).Write("sid", Payload(T0));

        Assert.True(Format(clock, null, key).Read("sid", value).IsValid);
        Assert.Equal(CookieRejection.UnknownKey, Format(clock, null, key[..32]).Read("sid", value).Reason);
    }

    [Fact]
    public void Constructor_NoKeyring_Throws()
    {
        Assert.Throws<ArgumentException>(() => new SealedCookieFormat(new SealedCookieOptions()));
    }

    [Fact]
    public void Constructor_ReissueNotShorterThanIdle_Throws()
    {
        Assert.Throws<ArgumentException>(() => Format(new FakeTimeProvider(T0), new SealedCookieOptions { IdleTimeout = TimeSpan.FromMinutes(1), ReissueTime = TimeSpan.FromMinutes(1) }));
    }

    [Fact]
    public void KeyId_IsDerivedFromKey()
    {
        Assert.Equal(SealedCookieFormat.KeyId(KeyA), SealedCookieFormat.KeyId((byte[])KeyA.Clone()));
        Assert.NotEqual(SealedCookieFormat.KeyId(KeyA), SealedCookieFormat.KeyId(KeyB));
    }
}
