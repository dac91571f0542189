using System.Text.Json.Nodes;
using Tessera.Cookies;
using Tessera.Keys;

namespace Tessera.Legacy.Tests;

public sealed class MigratingCookieReaderTests
{
    private static (MigratingCookieReader Reader, SealedCookieFormat Sealed) Build(JsonObject beakerConfig, JsonObject pyramidConfig)
    {
        var sealedFormat = new SealedCookieFormat(new SealedCookieOptions { Keyring = new Keyring([new byte[32]]), IdleTimeout = null, AbsoluteLifetime = null, ReissueTime = null });
        var reader = new MigratingCookieReader(sealedFormat, [CookieVectors.PyramidFormat(pyramidConfig), CookieVectors.BeakerFormat(beakerConfig), sealedFormat]);
        return (reader, sealedFormat);
    }

    [Fact]
    public void Read_PyramidThenBeakerCookies_SaysWhichMatchedAndReissuesInTesseraFormat()
    {
        var b = CookieVectors.BeakerCase("b-pos-01");
        var p = CookieVectors.PyramidCase("p-pos-01");
        var (reader, sealedFormat) = Build(b["config"]!.AsObject(), p["config"]!.AsObject());
        var now = CookieVectors.Time(p["now"]);

        var fromPyramid = reader.Read("session", (string)p["cookie_value"]!, now);
        var fromBeaker = reader.Read("session", (string)b["cookie_value"]!, now);

        Assert.Equal("pyramid-nacl", fromPyramid.FormatName);
        Assert.Equal("beaker", fromBeaker.FormatName);
        Assert.True(fromPyramid.NeedsReissue);
        Assert.True(fromBeaker.NeedsReissue);

        var migrated = reader.Reissue("session", fromBeaker, now);
        var again = reader.Read("session", migrated, now);
        Assert.Equal("tessera", again.FormatName);
        Assert.False(again.NeedsReissue);
        Assert.Equal("""{"user":"alice"}""", again.Data!.ToJsonString());
        Assert.Equal(fromBeaker.Created, again.Created);
        Assert.True(sealedFormat.Read("session", migrated, now).IsValid);
    }

    [Fact]
    public void Read_NothingMatches_ReturnsTargetVerdict()
    {
        var (reader, _) = Build(CookieVectors.BeakerCase("b-pos-01")["config"]!.AsObject(), CookieVectors.PyramidCase("p-pos-01")["config"]!.AsObject());

        var result = reader.Read("session", "garbage!!", DateTimeOffset.UnixEpoch);

        Assert.False(result.IsValid);
        Assert.Equal("tessera", result.FormatName);
        Assert.Equal(CookieRejection.Malformed, result.Reason);
    }

    [Fact]
    public void Read_ExpiredLegacyCookie_ReportsExpired()
    {
        var c = CookieVectors.PyramidCase("p-neg-10");
        var (reader, _) = Build(CookieVectors.BeakerCase("b-pos-01")["config"]!.AsObject(), c["config"]!.AsObject());

        var result = reader.Read("session", (string)c["cookie_value"]!, CookieVectors.Time(c["now"]));

        Assert.Equal(CookieRejection.Expired, result.Reason);
        Assert.Equal("pyramid-nacl", result.FormatName);
    }

    [Fact]
    public void Reissue_InvalidResult_Throws()
    {
        var (reader, _) = Build(CookieVectors.BeakerCase("b-pos-01")["config"]!.AsObject(), CookieVectors.PyramidCase("p-pos-01")["config"]!.AsObject());

        Assert.Throws<ArgumentException>(() => reader.Reissue("session", CookieReadResult.Rejected("x", CookieRejection.Corrupt), DateTimeOffset.UnixEpoch));
    }
}
